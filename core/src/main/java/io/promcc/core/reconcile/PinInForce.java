package io.promcc.core.reconcile;

import static io.promcc.core.reconcile.Delivered.shortHash;

import io.promcc.core.port.ConfigStore;
import io.promcc.core.port.ConfigStoreException;
import io.promcc.core.port.DeliveryMark;
import io.promcc.core.port.DeliveryRecord;
import io.promcc.core.port.RejectedConfig;
import java.util.Optional;

/**
 * The pin in force, for {@link Rollback} and {@link Delivery}: the store's, unless the store
 * refused to record a pin or to drop one (a full disk). This run then keeps what it refused in
 * memory for the rest of the run, and each delivery offers it to the store again ({@link
 * #settle}) until the store takes it. Not kept across restarts. Not thread-safe: one reconciler
 * thread.
 */
final class PinInForce {
  private final ConfigStore store;
  /**
   * The pin of a config Prometheus rejected in this run that the store refused to record: in
   * force over the store's own pin ({@link #inForce}). Without it, the rejected files would
   * stay and every reconcile reload them.
   */
  private RejectedConfig unrecorded;
  /**
   * The pin the store refused to drop once Prometheus refused the restored config too (an
   * outside cause, see {@link Rollback#restoreAndReload}): out of force ({@link #inForce}).
   * Without it, the pinned config stayed held back once the outside file was fixed. A new
   * object at each refusal: a delivery names only the refusal that still stands.
   */
  private Undropped undropped;

  /**
   * How many pins of rejected configs the store recorded in this run: a pin recorded after a
   * load is no pin that load outlived, even one equal to the pin the store kept at the load (the
   * same config rejected again, with the same words and baseline, once that pin was lifted).
   */
  private long recorded;

  /** The config of a pin the store refused to drop ({@link #undropped}). */
  private record Undropped(String configHash) {}

  PinInForce(ConfigStore store) {
    this.store = store;
  }

  /** Records {@code rejection} in the store as the pin in force (none: unpinned). */
  void record(Optional<RejectedConfig> rejection) {
    mark(rejection);
    unrecorded = null;
    if (rejection.isPresent()) {
      recorded++;
    }
  }

  /** How many pins the store recorded in this run so far (see {@link #recorded}). */
  long recorded() {
    return recorded;
  }

  /** Asks the store to drop its own pin, leaving a pin it refused to record in force. */
  void liftStoresOwn() {
    mark(Optional.empty());
  }

  /**
   * Drops the pin the store refused to record, in memory; the store's own pin, which it
   * replaced, is asked to go too, if it keeps one: a store that keeps none is not asked, so it
   * refuses nothing there is to lift.
   */
  void dropUnrecorded() {
    unrecorded = null;
    if (storePin("").isPresent()) { // unreadable: asked all the same, a refusal is named
      mark(Optional.empty());
    }
  }

  private void mark(Optional<RejectedConfig> rejection) {
    store.mark(new DeliveryMark.Rejected(rejection));
    undropped = null;
  }

  /** Forgets the pin the store refused to record, the store not asked: it never held it. */
  void forgetUnrecorded() {
    unrecorded = null;
  }

  /** The store refused to record {@code rejection}: it is in force for the rest of the run. */
  void refusedToRecord(RejectedConfig rejection) {
    unrecorded = rejection;
  }

  /** The store refused to drop its pin of {@code configHash}: out of force for the run. */
  void refusedToDrop(String configHash) {
    undropped = new Undropped(configHash);
  }

  /** The pin in force that the store refused to record, if any. */
  Optional<RejectedConfig> unrecorded() {
    return Optional.ofNullable(unrecorded);
  }

  /**
   * {@code record} with the pin in force: one the store refused to record, if any; none if the
   * store keeps the pin whose drop it refused.
   */
  DeliveryRecord inForce(DeliveryRecord record) {
    if (unrecorded != null) {
      return new DeliveryRecord(record.verified(), Optional.of(unrecorded));
    }
    return undropped != null && record.rejected().map(RejectedConfig::configHash)
        .equals(Optional.of(undropped.configHash()))
        ? new DeliveryRecord(record.verified(), Optional.empty()) : record;
  }

  /**
   * What the store refused of the pin in force, for {@link #stillRefused}: the pin it refused
   * to record or the drop it refused; null if none.
   */
  Object refused() {
    return unrecorded != null ? unrecorded : undropped;
  }

  /**
   * Offers the store the pin it refused to record again, or the drop of the pin it refused to
   * drop, if it still keeps that pin.
   *
   * @return the store's refusal, worded for a result ("recording the pin of config ...
   *     failed: ...; the next reconcile records it", "dropping the pin of config ... failed:
   *     ...; the next reconcile drops it"); empty if taken or there is none
   */
  Optional<String> settle() {
    if (unrecorded != null) {
      try {
        record(Optional.of(unrecorded));
        return Optional.empty();
      } catch (ConfigStoreException e) {
        return Optional.of(StoreRefusals.retried("recording the pin of config "
            + shortHash(unrecorded.configHash()), e, "records"));
      }
    }
    if (undropped == null) {
      return Optional.empty();
    }
    String configHash = undropped.configHash();
    if (!storePin(configHash).equals(Optional.of(configHash))) {
      undropped = null; // the store no longer keeps that pin
      return Optional.empty();
    }
    try {
      mark(Optional.empty());
      return Optional.empty();
    } catch (ConfigStoreException e) {
      return Optional.of(StoreRefusals.retried("dropping the pin of config "
          + shortHash(configHash) + ", refused for a cause outside promcc's files,", e,
          "drops"));
    }
  }

  /**
   * The refusal {@code said} of {@link #settle}, which offered the store {@code offered}
   * ({@link #refused()} then), if that very refusal still stands: a delivery may have lifted
   * the pin since, or replaced it with the pin of another rejected config, or seen the store
   * refuse anew, which its own result names.
   */
  Optional<String> stillRefused(Object offered, Optional<String> said) {
    return offered != null && offered == refused() ? said : Optional.empty();
  }

  /** The config of the pin the store keeps; {@code unreadable} if its record cannot be read. */
  private Optional<String> storePin(String unreadable) {
    try {
      return store.record().rejected().map(RejectedConfig::configHash);
    } catch (ConfigStoreException e) {
      return Optional.of(unreadable);
    }
  }
}
