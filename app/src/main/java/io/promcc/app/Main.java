package io.promcc.app;

import io.promcc.app.run.PrometheusCallBound;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code promcc}; run without a command, it is refused as a usage error. */
@Command(
    name = "promcc",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    synopsisSubcommandLabel = "COMMAND", // required: promcc alone is refused
    description = "Keeps a Prometheus scraping every guest Kubernetes cluster of a platform.",
    subcommands = {RenderCommand.class, ProfileCommand.class, VersionCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Exit code for input that was read but is invalid; nothing was written. */
  public static final int EXIT_INVALID = 1;

  /** {@code promcc} alone: {@link UsageErrors} names the commands there are. */
  @Override
  public void run() {
    throw new UsageErrors.NoCommand(spec.commandLine());
  }

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    System.exit(execute(commandLine(), args));
  }

  /**
   * Runs {@code promcc} on {@code args} and returns its exit code. An {@link Error} that escapes
   * the command (picocli hands only exceptions to its handler) ends as an unexpected exception
   * does: one line naming it, its stack trace once, exit 1; so {@code main} always exits, even
   * with non-daemon threads still running.
   */
  static int execute(CommandLine promcc, String... args) {
    try {
      return promcc.execute(args);
    } catch (Throwable e) {
      return ErrorHandler.unexpected(e, reached(promcc, args).getCommandSpec().qualifiedName(),
          promcc.getErr());
    }
  }

  /**
   * The deepest command that {@code args} reached. A parse cut off by an {@link Error} has not
   * yet added the subcommand being parsed to its parent's result, but that subcommand's own
   * result has begun (with these arguments: one of an earlier run is not taken).
   */
  private static CommandLine reached(CommandLine command, String[] args) {
    CommandLine.ParseResult parsed = command.getParseResult();
    if (parsed != null && parsed.hasSubcommand()) {
      return reached(parsed.subcommand().commandSpec().commandLine(), args);
    }
    for (CommandLine sub : command.getSubcommands().values()) {
      CommandLine.ParseResult begun = sub.getParseResult();
      if (begun != null && begun.originalArgs().equals(java.util.Arrays.asList(args))) {
        return reached(sub, args);
      }
    }
    return command;
  }

  /** The configured command line, for tests and embedding. */
  public static CommandLine commandLine() {
    return commandLine(System.getenv());
  }

  /** The command line reading settings from {@code env} instead of the real environment. */
  static CommandLine commandLine(java.util.Map<String, String> env) {
    return commandLine(env, PrometheusCallBound.DEFAULT);
  }

  /**
   * The command line reading settings from {@code env}, whose {@code check} bounds its calls to
   * Prometheus by {@code calls} (a seam for the tests of a {@code promcc check} process).
   */
  static CommandLine commandLine(java.util.Map<String, String> env, PrometheusCallBound calls) {
    CommandLine promcc = new CommandLine(new Main())
        .addSubcommand("run", RunCommand.spec(env))
        .addSubcommand("check", CheckCommand.spec(env, calls))
        .setCaseInsensitiveEnumValuesAllowed(true)
        // "@x" is taken as given: picocli would put the text of a file x in its place, which
        // an error then repeats (a token file's), and a folder x ended the parse in a trace
        .setExpandAtFiles(false)
        .setParameterExceptionHandler(new UsageErrors())
        .setExecutionExceptionHandler(new ErrorHandler());
    // picocli's help command has -h of its own: -V as every other command's
    promcc.getSubcommands().get("help").getCommandSpec().versionProvider(new Version())
        .addOption(CommandLine.Model.OptionSpec.builder("-V", "--version").versionHelp(true)
            .description("Print version information and exit.").build());
    return promcc;
  }

  /** {@code -V}, {@code --version}: the line {@code promcc version} prints. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {Versions.line()};
    }
  }
}
