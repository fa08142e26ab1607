package io.promcc.core.reconcile;

import io.promcc.core.port.ConfigStoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the store refused when a load of Prometheus' was recorded, for {@link StoreRecorder}:
 * the load's record, and the lift of the pin of another config the load outlived (named with
 * that pin). The load happened either way, so both are asked, and a result names every
 * refusal, not the first alone.
 *
 * @param record the store's refusal to record the load; empty if recorded or not asked
 * @param pin the store's refusal to lift the pin, worded with the pin; empty if lifted or none
 */
record StoreRefusals(Optional<ConfigStoreException> record,
    Optional<ConfigStoreException> pin) {
  /** Whether the store refused nothing. */
  boolean isEmpty() {
    return record.isEmpty() && pin.isEmpty();
  }

  /**
   * The refusals as a result says them, {@code recording} naming what the record was ("recording
   * that failed: ...; the next reconcile records it; lifting the pin of config ..., which the
   * load outlived, failed: ...; the next reconcile lifts it"); empty if the store refused nothing.
   */
  Optional<String> said(String recording) {
    List<String> said = new ArrayList<>();
    record.ifPresent(e -> said.add(retried(recording, e, "records")));
    pin.ifPresent(e -> said.add(pinSaid(e)));
    return said.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", said));
  }

  /** A refused lift of a pin, worded with the pin, as a result says it. */
  static String pinSaid(ConfigStoreException pin) {
    return retried(pin.getMessage(), "lifts");
  }

  /**
   * A refusal of the store that the next reconcile asks again, as every result says one:
   * {@code failed}, what failed with the store's words, then what that reconcile does of it
   * ({@code does}: "records", "lifts", "drops").
   */
  static String retried(String failed, String does) {
    return failed + "; the next reconcile " + does + " it";
  }

  /** As {@link #retried(String, String)}: the store refused {@code what} with {@code e}. */
  static String retried(String what, ConfigStoreException e, String does) {
    return retried(what + " failed: " + e.getMessage(), does);
  }
}
