package io.promcc.kube.fake;

/**
 * An API error the fake answers with a {@code Status} object, e.g. 404 {@code NotFound} or 409
 * {@code Conflict}. Thrown by {@link ObjectStore} so tests can see the same failures clients do.
 */
public final class ApiError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int code;
  private final String reason;
  private final String listContinue;

  public ApiError(int code, String reason, String message) {
    this(code, reason, message, "");
  }

  /** An error whose {@code Status} carries a {@code metadata.continue} token (a 410 on a list). */
  ApiError(int code, String reason, String message, String listContinue) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.listContinue = listContinue;
  }

  /** The HTTP status code. */
  public int code() {
    return code;
  }

  /** The Kubernetes reason, e.g. {@code Conflict}. */
  public String reason() {
    return reason;
  }

  /** The {@code metadata.continue} of the {@code Status}, or "" for none. */
  String listContinue() {
    return listContinue;
  }
}
