package io.promcc.app;

import picocli.CommandLine.Option;

/** {@code -h}/{@code --help} for a command that has no other standard option. */
final class HelpOption {
  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;
}
