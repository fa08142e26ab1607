package io.promcc.app;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code promcc version}: the version, the Java runtime and the Prometheus versions tested. */
@Command(name = "version", description = "Print the version of promcc.")
final class VersionCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  HelpOption help;

  @Override
  public Integer call() {
    spec.commandLine().getOut().println(Versions.line());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
