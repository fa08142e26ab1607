package io.promcc.core.reconcile;

import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.util.ArrayList;
import java.util.List;

/**
 * What a delivery did; {@code desiredReloadAsked} and {@code verifiedReloads} as in {@link
 * ReconcileResult}.
 */
record Delivered(Outcome outcome, String message, List<String> written, List<String> deleted,
    boolean inSync, boolean rolledBack, boolean desiredReloadAsked,
    List<VerifiedReload> verifiedReloads) {
  Delivered {
    verifiedReloads = List.copyOf(verifiedReloads);
  }

  Delivered(Outcome outcome, String message, List<String> written, List<String> deleted,
      boolean inSync, boolean rolledBack, boolean desiredReloadAsked) {
    this(outcome, message, written, deleted, inSync, rolledBack, desiredReloadAsked, List.of());
  }

  Delivered(Outcome outcome, String message, List<String> written, List<String> deleted,
      boolean inSync, boolean rolledBack) {
    this(outcome, message, written, deleted, inSync, rolledBack, false);
  }

  static Delivered of(Outcome outcome, String message, Written written, boolean inSync) {
    return new Delivered(outcome, message, written.paths, written.deleted, inSync, false);
  }

  /** The same, after a reload of the desired config was asked for. */
  Delivered afterDesiredReload() {
    return new Delivered(outcome, message, written, deleted, inSync, rolledBack, true,
        verifiedReloads);
  }

  /** The same, after the reloads of the verified config {@code earlier}, made before its own. */
  Delivered afterVerifiedReloads(List<VerifiedReload> earlier) {
    List<VerifiedReload> all = new ArrayList<>(earlier);
    all.addAll(verifiedReloads);
    return new Delivered(outcome, message, written, deleted, inSync, rolledBack,
        desiredReloadAsked, all);
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
        deleted, inSync, rolledBack, desiredReloadAsked, verifiedReloads);
  }

  /** A config hash as messages name it: its first 12 characters. */
  static String shortHash(String hash) {
    return hash.substring(0, Math.min(12, hash.length()));
  }
}
