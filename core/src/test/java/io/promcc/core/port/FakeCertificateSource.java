package io.promcc.core.port;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableSortedMap;
import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Rejection;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * An in-memory {@link CertificateSource} with scriptable failures. By default every cluster gets
 * the bundle the issuer function makes for it (with the no-argument constructor, none: only
 * clusters given one with {@link #put} have one); a cluster can be
 * given its own bundle, or fail with a reason, or be degraded (its bundle served together with a
 * reason, as the Vault source serves a still valid certificate whose renewal fails), and the whole
 * source can fail (Vault down, an unsynced informer) with one reason for every cluster, serving
 * the bundles it has meanwhile. Records
 * the last {@value #KEPT} observed collections (a fake under thousands of reconciles in a
 * benchmark does not grow). Each change ({@link #put}, {@link #fail}, {@link #degrade},
 * {@link #failAll}, {@link #recover}) tells the change listeners, as a Secret or file changed on a
 * real source's side does.
 * Passes {@link CertificateSourceContract}. Thread-safe (synchronized).
 */
public final class FakeCertificateSource implements CertificateSource {
  private final Function<ClusterId, CertificateBundle> issuer;
  private final Map<ClusterId, CertificateBundle> bundles = new HashMap<>();
  private final Map<ClusterId, Rejection> failures = new HashMap<>();
  /** Clusters whose bundle is served with a problem, as one whose renewal fails. */
  private final Map<ClusterId, Rejection> degraded = new HashMap<>();
  /** How many observe calls {@link #observed()} keeps. */
  public static final int KEPT = 100;

  private final Deque<List<ClusterId>> observed = new ArrayDeque<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private String sourceFailureReason;
  private String sourceFailureMessage;
  private Optional<Instant> nextAttention = Optional.empty();

  /** Every cluster gets the bundle {@code issuer} makes for it, unless told otherwise. */
  public FakeCertificateSource(Function<ClusterId, CertificateBundle> issuer) {
    this.issuer = requireNonNull(issuer, "issuer == null");
  }

  /** Only clusters given a bundle with {@link #put} have one; others are certificate-missing. */
  public FakeCertificateSource() {
    this(id -> null);
  }

  /**
   * Gives {@code cluster} this bundle (a renewal, when it had another); ends a failure set with
   * {@link #fail} or {@link #degrade}.
   */
  public void put(ClusterId cluster, CertificateBundle bundle) {
    synchronized (this) {
      bundles.put(cluster, bundle);
      failures.remove(cluster);
      degraded.remove(cluster);
    }
    listeners.forEach(Runnable::run);
  }

  /** Makes {@code cluster} fail with {@code reason}, no bundle served, until {@link #recover}. */
  public void fail(ClusterId cluster, String reason) {
    synchronized (this) {
      degraded.remove(cluster);
      failures.put(cluster, new Rejection(cluster.value(), reason, "fake certificate source: "
          + reason + " for cluster \"" + cluster.value() + "\""));
    }
    listeners.forEach(Runnable::run);
  }

  /**
   * Makes {@code cluster} degraded until {@link #recover} or a renewal ({@link #put}): its bundle
   * is still served, together with a problem with {@code reason}, as a real source serves a
   * still valid certificate it cannot renew. A cluster with no bundle has only the problem.
   */
  public void degrade(ClusterId cluster, String reason) {
    synchronized (this) {
      failures.remove(cluster);
      degraded.put(cluster, new Rejection(cluster.value(), reason, "fake certificate source: "
          + "serving the last certificate of cluster \"" + cluster.value()
          + "\", not renewed: " + reason));
    }
    listeners.forEach(Runnable::run);
  }

  /**
   * Makes the whole source fail with {@code reason} (null: it works again), as Vault sealed or
   * an API server not answering: a cluster with a bundle (given with {@link #put}, or made by
   * the issuer before) keeps being served it, with the failure as its problem, as the Vault and
   * Secrets sources keep serving the valid certificates they have; one without, or one failed
   * with {@link #fail}, gets the problem alone. Nothing is issued meanwhile.
   */
  public void failAll(String reason) {
    synchronized (this) {
      sourceFailureReason = reason;
      sourceFailureMessage = reason == null ? null
          : "fake certificate source is failing: " + reason;
    }
    listeners.forEach(Runnable::run);
  }

  /** Ends a failure set with {@link #fail} or {@link #degrade}. */
  public void recover(ClusterId cluster) {
    synchronized (this) {
      failures.remove(cluster);
      degraded.remove(cluster);
    }
    listeners.forEach(Runnable::run);
  }

  /** What {@link CertificateObservation#nextAttention()} says from now on. */
  public synchronized void setNextAttention(Optional<Instant> value) {
    nextAttention = requireNonNull(value, "value == null");
  }

  @Override
  public synchronized CertificateObservation observe(Collection<GuestCluster> clusters) {
    if (observed.size() == KEPT) {
      observed.removeFirst();
    }
    observed.addLast(clusters.stream().map(GuestCluster::id).toList());
    // entries gathered in the given order and sorted once (one pass if already in ID order, as a
    // snapshot's are): the fake stays cheap next to the controller at 10,000 clusters
    Map<ClusterId, CertificateBundle> out = new LinkedHashMap<>();
    Map<ClusterId, Rejection> problems = new LinkedHashMap<>();
    for (GuestCluster cluster : clusters) {
      ClusterId id = cluster.id();
      Rejection failure = failures.get(id);
      CertificateBundle bundle;
      if (sourceFailureReason != null) {
        CertificateBundle kept = failure == null ? bundles.get(id) : null;
        if (kept != null) {
          out.put(id, kept);
        }
        problems.put(id, new Rejection(id.value(), sourceFailureReason, sourceFailureMessage
            + (kept == null ? "" : "; serving the last certificate of cluster \"" + id.value()
                + "\"")));
      } else if (failure != null) {
        problems.put(id, failure);
      } else if ((bundle = issue(id, problems)) != null) {
        out.put(id, bundle);
        Rejection notRenewed = degraded.get(id);
        if (notRenewed != null) {
          problems.put(id, notRenewed);
        }
      } else if (degraded.containsKey(id)) {
        problems.put(id, degraded.get(id)); // nothing to serve: the renewal's failure is why
      } else if (!problems.containsKey(id)) {
        problems.put(id, new Rejection(id.value(), "certificate-missing",
            "fake certificate source has no certificate for cluster \"" + id.value() + "\""));
      }
    }
    return new CertificateObservation(ImmutableSortedMap.copyOf(out),
        ImmutableSortedMap.copyOf(problems), nextAttention);
  }

  /**
   * The cluster's bundle, made by the issuer if there is none yet; null if there is none, or if
   * the issuer failed, which is then the cluster's problem, as a real source reports it.
   */
  private CertificateBundle issue(ClusterId id, Map<ClusterId, Rejection> problems) {
    try {
      return bundles.computeIfAbsent(id, issuer);
    } catch (RuntimeException e) {
      problems.put(id, CertificateObservation.problemOf(id, e));
      return null;
    }
  }

  @Override
  public void addChangeListener(Runnable listener) {
    listeners.add(requireNonNull(listener, "listener == null"));
  }

  /** The clusters of the last {@value #KEPT} observe calls, oldest first. */
  public synchronized List<List<ClusterId>> observed() {
    return List.copyOf(observed);
  }
}
