package io.promcc.app;

import io.promcc.core.model.ControllerSettings;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Checks {@code --job-prefix} when the command line is read, before any file is: a bad prefix is
 * a usage error like a bad {@code --shard}.
 */
final class JobPrefixes implements ITypeConverter<String> {
  @Override
  public String convert(String value) {
    ControllerSettings.jobPrefixProblem(value).ifPresent(problem -> {
      throw new TypeConversionException("--job-prefix " + problem + ", found \"" + value + "\"");
    });
    return value;
  }
}
