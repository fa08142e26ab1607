package io.promcc.vault;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableSortedMap;
import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Rejection;
import io.promcc.core.port.CertificateObservation;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The answers one observation of {@link VaultCertificateSource} collects, a certificate or a
 * problem per cluster, recorded in cluster ID order (the cached ones first, then the asked
 * ones): the sorted map is built from two ascending runs, with no tree. A failure of one
 * cluster's lookup that no Vault failure names, an {@link Error} included, is that cluster's
 * problem; the others go on. Used by the observing thread only.
 */
final class ObservationAnswers {
  private final CertificateCache cache;
  private final LongSupplier held;
  private final ImmutableSortedMap.Builder<ClusterId, CertificateBundle> bundles =
      ImmutableSortedMap.naturalOrder();
  private final SortedMap<ClusterId, Rejection> problems = new TreeMap<>();

  /**
   * @param held the observation's one wait for clusters other calls hold, in nanoseconds left
   */
  ObservationAnswers(CertificateCache cache, LongSupplier held) {
    this.cache = requireNonNull(cache, "cache == null");
    this.held = requireNonNull(held, "held == null");
  }

  /**
   * The IDs of {@code clusters}, sorted, each once. The controller's snapshot is sorted already,
   * which the list's sort passes over once.
   */
  static List<ClusterId> distinctIds(Collection<GuestCluster> clusters) {
    List<ClusterId> ids = new ArrayList<>(clusters.size());
    for (GuestCluster cluster : clusters) {
      ids.add(cluster.id());
    }
    ids.sort(null);
    int distinct = 0;
    for (ClusterId id : ids) {
      if (distinct == 0 || !id.equals(ids.get(distinct - 1))) {
        ids.set(distinct++, id);
      }
    }
    return ids.subList(0, distinct);
  }

  /**
   * Records {@code id}'s answer if one look at it needs no Vault call; false if it fell due since
   * the observation looked, or a call holds it: a worker asks or waits for it, never the
   * observing thread, which a close does not interrupt.
   */
  boolean answeredWithoutVault(ClusterId id) {
    Optional<CertificateBundle> cached;
    try {
      cached = cache.answerWithoutVault(id);
    } catch (RuntimeException | Error e) {
      record(id, () -> {
        throw e;
      });
      return true;
    }
    if (cached.isEmpty()) {
      return false;
    }
    record(id, cached::get);
    return true;
  }

  /** Records what {@code lookup} answers for {@code id}: its certificate, or its problem. */
  void record(ClusterId id, CertificateWorkers.Lookup lookup) {
    try {
      bundles.put(id, lookup.get());
      // a kept certificate served while its renewal fails: degraded, with Vault's reason
      cache.notRenewed(id, held).ifPresent(problem -> problems.put(id, problem));
    } catch (RuntimeException e) {
      // a bug or a library's surprise holds back this cluster only, as for every other source
      problems.put(id, CertificateObservation.problemOf(id, e));
    } catch (Error e) {
      // so does an Error of its request (a stack overflow, an assertion, a class that failed to
      // load), named by type and place; one the JVM may not go on after is the caller's
      UnexpectedFailure.rethrowIfFatal(e);
      problems.put(id, new Rejection(id.value(), VaultFailure.UNEXPECTED.reason(),
          UnexpectedFailure.message(id, e)));
    }
  }

  /** The observation of {@code ids}, every one of them recorded. */
  CertificateObservation observation(Collection<ClusterId> ids) {
    return new CertificateObservation(bundles.buildOrThrow(), problems,
        cache.nextAttention(ids, held));
  }
}
