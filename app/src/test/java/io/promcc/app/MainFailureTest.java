package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * A command that fails in a way no command handles (a bug, an {@link Error}) ends with one line
 * naming the failure, its stack trace once, and exit code 1, so that {@code main} always exits.
 */
class MainFailureTest {
  private final StringWriter err = new StringWriter();

  /** A command that throws what it is given. */
  @Command(name = "boom")
  static final class Boom implements Callable<Integer> {
    private final Throwable failure;

    Boom(Throwable failure) {
      this.failure = failure;
    }

    @Override
    public Integer call() throws Exception {
      if (failure instanceof Error e) {
        throw e;
      }
      throw (Exception) failure;
    }
  }

  /** A command whose option's converter throws what it is given. */
  @Command(name = "deep")
  static final class DeepOption implements Callable<Integer> {
    @CommandLine.Option(names = "--depth", converter = Failing.class)
    Integer depth;

    @Override
    public Integer call() {
      return 0;
    }
  }

  /** A converter that fails as a parse that recursed too deep would. */
  static final class Failing implements CommandLine.ITypeConverter<Integer> {
    static final Error FAILURE = new StackOverflowError("deep in a converter");

    @Override
    public Integer convert(String value) {
      throw FAILURE;
    }
  }

  private int execute(Throwable failure) {
    CommandLine promcc = Main.commandLine(Map.of());
    promcc.addSubcommand("boom", new CommandLine(new Boom(failure)));
    promcc.setOut(new PrintWriter(new StringWriter()));
    promcc.setErr(new PrintWriter(err));
    return Main.execute(promcc, "boom");
  }

  private static int count(String text, String part) {
    return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
  }

  @Test
  void anErrorInACommandEndsWithOneLineItsTraceOnceAndExit1() {
    Throwable failure = new StackOverflowError("deep in a render");
    int code = execute(failure);

    assertEquals(1, code, err.toString());
    String text = err.toString();
    assertEquals("error: promcc boom failed: java.lang.StackOverflowError: deep in a render",
        text.lines().findFirst().orElse(""), text);
    assertEquals(1, count(text, "\tat " + failure.getStackTrace()[0] + "\n"), text);
  }

  @Test
  void anErrorWhileTheCommandLineIsParsedNamesTheCommand() {
    CommandLine promcc = Main.commandLine(Map.of());
    promcc.addSubcommand("deep", new CommandLine(new DeepOption()));
    promcc.setOut(new PrintWriter(new StringWriter()));
    promcc.setErr(new PrintWriter(err));

    int code = Main.execute(promcc, "deep", "--depth", "3");

    assertEquals(1, code, err.toString());
    String text = err.toString();
    assertEquals("error: promcc deep failed: java.lang.StackOverflowError: deep in a converter",
        text.lines().findFirst().orElse(""), text);
    assertEquals(1, count(text, "\tat " + Failing.FAILURE.getStackTrace()[0] + "\n"), text);
  }

  @Test
  void anUnexpectedRuntimeExceptionInACommandEndsWithOneLineItsTraceOnceAndExit1() {
    Throwable failure = new IllegalStateException("a bug");
    int code = execute(failure);

    assertEquals(1, code, err.toString());
    String text = err.toString();
    assertEquals("error: promcc boom failed: java.lang.IllegalStateException: a bug",
        text.lines().findFirst().orElse(""), text);
    assertEquals(1, count(text, "\tat " + failure.getStackTrace()[0] + "\n"), text);
  }
}
