package io.promcc.core.reconcile;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.port.ConfigStore;
import io.promcc.core.port.ConfigStoreException;
import io.promcc.core.port.DeliveryMark;
import io.promcc.core.port.ReloadAsked;
import io.promcc.core.port.RuntimeInfo;
import java.util.Optional;
import java.util.SortedMap;

/**
 * The reload asked for the configuration files on disk, kept in the store for {@link
 * ConfigChange}: a controller stopped during a reload finds after its restart whether
 * Prometheus loaded those files meanwhile, from Prometheus' answers alone (its {@code
 * lastConfigTime} against the one read once the files were complete), and does not reload a
 * configuration Prometheus runs. Not thread-safe: one reconciler thread.
 */
final class AskedReload {
  private final ConfigStore store;

  AskedReload(ConfigStore store) {
    this.store = store;
  }

  /**
   * Records the reload of {@code desired}'s configuration files, complete on disk when
   * Prometheus answered {@code baseline}. A store that refuses it keeps no ask: the reload goes
   * ahead, and a restart during it reloads that configuration once more.
   */
  void asking(DesiredState desired, RuntimeInfo baseline) {
    try {
      store.mark(new DeliveryMark.Reloading(
          new ReloadAsked(desired.configHash(), baseline.lastConfigTime())));
    } catch (ConfigStoreException e) {
      // the record only spares a reload after a restart; the reload itself goes ahead
    }
  }

  /**
   * Whether the store keeps a reload asked for {@code desired}'s configuration files:
   * Prometheus answered once they were complete, and may have loaded them (its answer, or the
   * record of it, may be lost). A store that cannot tell says nothing of it: false.
   */
  boolean askedFor(DesiredState desired) {
    try {
      return store.record().reloadAsked()
          .filter(a -> a.configHash().equals(desired.configHash())).isPresent();
    } catch (ConfigStoreException e) {
      return false;
    }
  }

  /**
   * The reload asked for {@code desired}'s configuration files that Prometheus, answering
   * {@code now}, has loaded: the store still keeps the ask (no configuration file changed
   * since), the files on disk are those of {@code desired}, and Prometheus reports a
   * successful last load later than the ask's baseline, so it read those files. Empty if
   * anything of it is not so: the configuration is then reloaded.
   */
  Optional<ReloadAsked> loadedBy(DesiredState desired, SortedMap<String, DesiredFile> onDisk,
      RuntimeInfo now) {
    if (!now.reloadConfigSuccess()
        || !DesiredState.configHashOf(onDisk).equals(desired.configHash())) {
      return Optional.empty();
    }
    Optional<ReloadAsked> asked;
    try {
      asked = store.record().reloadAsked();
    } catch (ConfigStoreException e) {
      return Optional.empty(); // nothing says it loaded: reloaded, as the record would fail
    }
    return asked.filter(a -> a.configHash().equals(desired.configHash())
        && now.lastConfigTime().isAfter(a.baseline()));
  }
}
