package io.promcc.core.model;

/**
 * An exception no one named (a defect, a library's surprise) as a message may show it: by its
 * type and the place it was thrown, never its text, which may quote a secret (an http client's
 * messages quote header values, a token among them). Stateless.
 */
public final class Unexpected {
  private Unexpected() {}

  /**
   * {@code <type> at <place> (its message is left out: it may quote <secret>)}, e.g. {@code
   * java.lang.IllegalStateException at a.B.c(B.java:12) (its message is left out: it may quote
   * a secret)}; without a place where {@code e} has no stack trace.
   */
  public static String named(Throwable e, String secret) {
    StackTraceElement[] where = e.getStackTrace();
    return e.getClass().getName() + (where.length == 0 ? "" : " at " + where[0])
        + " (its message is left out: it may quote " + secret + ")";
  }
}
