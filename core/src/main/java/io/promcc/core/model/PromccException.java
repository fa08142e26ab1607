package io.promcc.core.model;

/**
 * Root of every exception this project throws on purpose. Unchecked: callers decide where to
 * handle, and subclasses carry the data a caller needs to report the problem.
 */
public class PromccException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** @param message what went wrong, in lower case, quoting the bad value */
  public PromccException(String message) {
    super(message);
  }

  /**
   * @param message what went wrong, in lower case, quoting the bad value
   * @param cause the failure that led to it
   */
  public PromccException(String message, Throwable cause) {
    super(message, cause);
  }
}
