package io.promcc.vault;

import io.promcc.core.model.ClusterId;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.Unexpected;
import java.util.List;

/**
 * A failure of one cluster's request that neither Vault's answer nor a named failure explains
 * (a defect, a library's surprise): which of them stay that cluster's, and how they are worded.
 */
final class UnexpectedFailure {
  private UnexpectedFailure() {}

  /**
   * Throws {@code e} if it is a {@link VirtualMachineError} other than a
   * {@link StackOverflowError}: an {@link OutOfMemoryError}, {@link InternalError} or
   * {@link UnknownError} says the JVM itself may not go on, so it is no one cluster's problem
   * and the controller must see it (it then stops and exits). A stack overflow has unwound the
   * worker's stack by the time it is caught; like an {@link AssertionError} or a
   * {@link LinkageError}, it is the failure of the one request that ran into it.
   */
  static void rethrowIfFatal(Throwable e) {
    if (e instanceof VirtualMachineError fatal && !(e instanceof StackOverflowError)) {
      throw fatal;
    }
  }

  /**
   * What asking for the certificate of {@code id} failing with {@code e} is reported as: named
   * by its type and the place it was thrown, never its text, which may quote the request's token
   * (the http client's messages quote header values).
   */
  static String message(ClusterId id, Throwable e) {
    return message("asking vault for the certificate of cluster " + Quoting.quote(id.value()), e,
        "the request's token");
  }

  /**
   * {@code <what> failed unexpectedly with <type> at <place> (its message is left out: it may
   * quote <secret>)}: {@code e} named by its type and the place it was thrown, never its text.
   */
  static String message(String what, Throwable e, String secret) {
    return what + " failed unexpectedly with " + Unexpected.named(e, secret);
  }

  /**
   * {@code e}, neither Vault's answer nor a named failure, as a failure of the token's
   * {@code call} (a login, a renewal, a revocation): named by type and place, never its text,
   * which may quote the token.
   */
  static VaultRequestException ofTokenCall(String call, Throwable e) {
    return new VaultRequestException(VaultFailure.UNEXPECTED, 0, List.of(),
        message("the vault " + call, e, "the credential or the token"), null);
  }
}
