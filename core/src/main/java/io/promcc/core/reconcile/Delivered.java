package io.promcc.core.reconcile;

import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.util.List;

/** What a delivery did; {@code desiredReloadAsked} as in {@link ReconcileResult}. */
record Delivered(Outcome outcome, String message, List<String> written, List<String> deleted,
    boolean inSync, boolean rolledBack, boolean desiredReloadAsked) {
  Delivered(Outcome outcome, String message, List<String> written, List<String> deleted,
      boolean inSync, boolean rolledBack) {
    this(outcome, message, written, deleted, inSync, rolledBack, false);
  }

  static Delivered of(Outcome outcome, String message, Written written, boolean inSync) {
    return new Delivered(outcome, message, written.paths, written.deleted, inSync, false);
  }

  /** The same, after a reload of the desired config was asked for. */
  Delivered afterDesiredReload() {
    return new Delivered(outcome, message, written, deleted, inSync, rolledBack, true);
  }

  /**
   * The same, with a refusal of the store's {@code said} named after what it says: a success is
   * then a failure of the store; any other outcome is kept (it says more of Prometheus).
   */
  Delivered withStoreRefusal(String said) {
    Outcome failed = switch (outcome) {
      case UNCHANGED, WRITTEN, RELOADED -> Outcome.FAILED;
      default -> outcome;
    };
    return new Delivered(failed, message.isEmpty() ? said : message + "; " + said, written,
        deleted, inSync, rolledBack, desiredReloadAsked);
  }

  /** A config hash as messages name it: its first 12 characters. */
  static String shortHash(String hash) {
    return hash.substring(0, Math.min(12, hash.length()));
  }
}
