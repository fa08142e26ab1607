package io.promcc.app;

import io.promcc.core.model.PromccException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns the project's own exceptions and I/O failures into one clear message on stderr and exit
 * code 1; anything else is a bug: one line naming it, then its stack trace once, and exit 1.
 */
final class ErrorHandler implements IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(Exception e, CommandLine command, ParseResult parsed) {
    if (e instanceof PromccException || e instanceof IOException
        || e instanceof UncheckedIOException) {
      command.getErr().println("error: " + e.getMessage());
      return Main.EXIT_INVALID;
    }
    return unexpected(e, command.getCommandSpec().qualifiedName(), command.getErr());
  }

  /** A failure no command handles (a bug, an {@link Error}): one line, the trace, exit 1. */
  static int unexpected(Throwable e, String command, PrintWriter err) {
    err.println("error: " + command + " failed: " + e);
    e.printStackTrace(err);
    err.flush();
    return 1;
  }
}
