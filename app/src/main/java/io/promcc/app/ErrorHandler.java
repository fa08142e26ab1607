package io.promcc.app;

import io.promcc.core.model.PromccException;
import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns the project's own exceptions and I/O failures into one clear message on stderr and exit
 * code 1; anything else is a bug and keeps its stack trace.
 */
final class ErrorHandler implements IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(Exception e, CommandLine command, ParseResult parsed)
      throws Exception {
    if (e instanceof PromccException || e instanceof IOException
        || e instanceof UncheckedIOException) {
      command.getErr().println("error: " + e.getMessage());
      return Main.EXIT_INVALID;
    }
    throw e;
  }
}
