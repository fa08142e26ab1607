package io.promcc.app;

import io.promcc.core.model.OutputMode;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads {@code merged} or {@code per-cluster-files}. */
final class OutputModes implements ITypeConverter<OutputMode> {
  @Override
  public OutputMode convert(String value) {
    return switch (value) {
      case "merged" -> OutputMode.MERGED;
      case "per-cluster-files" -> OutputMode.PER_CLUSTER_FILES;
      // in promcc run's words
      default -> throw new TypeConversionException(
          "--output-mode must be merged or per-cluster-files, found \"" + value + "\"");
    };
  }
}
