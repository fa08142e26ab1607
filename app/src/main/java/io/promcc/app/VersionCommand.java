package io.promcc.app;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code promcc version}: the version, the Java runtime and the Prometheus versions tested. */
@Command(name = "version", mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class, description = "Print the version of promcc.")
final class VersionCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getOut().println(Versions.line());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
