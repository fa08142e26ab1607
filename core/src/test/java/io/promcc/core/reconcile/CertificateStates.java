package io.promcc.core.reconcile;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.Rejection;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.reconcile.ReconcilerPropertyTest.Kind;
import io.promcc.core.testing.TestCertificates;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;

/**
 * What {@link ReconcilerPropertyTest}'s certificate source says of each cluster, followed step by
 * step, and what a reconcile must then have made of it. A cluster served its certificate without
 * a problem (also once a degraded one is recovered or renewed) is active, not degraded, and a
 * successful reconcile leaves it on that certificate's files; a degraded one (its certificate
 * served with a problem, a renewal failing) is active, degraded with the source's reason, never
 * waiting, and likewise on its certificate's files; a failing one is degraded or waiting.
 */
final class CertificateStates {
  /** The reason of a degraded cluster's problem. */
  static final String NOT_RENEWED = "renewal-failed";

  private enum State { SERVED, FAILING, DEGRADED }

  private final Map<ClusterId, State> states = new HashMap<>();
  private final Map<ClusterId, CertificateBundle> bundles = new HashMap<>();
  private boolean allFailing;

  /** Follows what a step of {@code kind} does to the fake certificate source for {@code id}. */
  void apply(Kind kind, ClusterId id) {
    switch (kind) {
      case CERT_FAIL -> states.put(id, State.FAILING);
      case CERT_RECOVER -> states.put(id, State.SERVED);
      case CERT_RENEW -> {
        bundles.put(id, TestCertificates.other());
        states.put(id, State.SERVED);
      }
      case CERT_EXPIRE -> {
        bundles.put(id, TestCertificates.expired());
        states.put(id, State.FAILING);
      }
      case CERT_DEGRADE -> states.put(id, State.DEGRADED);
      case CERTS_ALL_FAIL -> allFailing = true;
      case CERTS_ALL_RECOVER -> allFailing = false;
      default -> { }
    }
  }

  /** The bundle the source holds for {@code id}, served or not. */
  CertificateBundle served(ClusterId id) {
    return bundles.getOrDefault(id, TestCertificates.bundle());
  }

  /**
   * Checks what {@code result} says of each of the {@code present} clusters, and the files of
   * those served a certificate on {@code disk} after it; nothing for a result that planned
   * nothing, or while the whole source fails.
   */
  void check(ReconcileResult result, Set<ClusterId> present, SortedMap<String, DesiredFile> disk) {
    if (result.stateHash().isEmpty() || result.outcome() == Outcome.FAILED || allFailing) {
      return;
    }
    String context = result + ", degraded " + result.degraded() + ", waiting "
        + result.waiting() + ", rejected " + result.rejected();
    for (ClusterId id : present) {
      boolean waiting = result.waiting().stream().anyMatch(r -> r.subject().equals(id.value()));
      boolean active = result.active().contains(id);
      Rejection degraded = result.degraded().get(id);
      switch (states.getOrDefault(id, State.SERVED)) {
        case SERVED -> {
          assertTrue(active, id + " is served its certificate but not active: " + context);
          assertNull(degraded, id + " is served its certificate without a problem but shows as "
              + "degraded: " + context);
          assertTrue(!result.success() || runsOn(disk, id, served(id)), id
              + " is not on the files of the certificate it is served: " + context);
        }
        case DEGRADED -> {
          assertTrue(active, "degraded " + id + " has no jobs: " + context);
          assertTrue(degraded != null && degraded.reason().equals(NOT_RENEWED), "degraded " + id
              + " is not reported with the source's reason: " + context);
          assertFalse(waiting, "degraded " + id + " waits: " + context);
          assertTrue(!result.success() || runsOn(disk, id, served(id)), "degraded " + id
              + " is not on the files of the certificate it is served: " + context);
        }
        case FAILING -> assertTrue(degraded != null || waiting,
            "the problem of failing " + id + " is not reported: " + context);
      }
    }
  }

  /** Whether {@code disk} holds {@code bundle} as the cluster's CA, certificate and key files. */
  static boolean runsOn(SortedMap<String, DesiredFile> disk, ClusterId id,
      CertificateBundle bundle) {
    List<DesiredFile> files = filesOf(disk, id);
    return files.stream().allMatch(Objects::nonNull)
        && files.get(0).text().equals(bundle.caPem())
        && files.get(1).text().equals(bundle.certificatePem())
        && files.get(2).text().equals(bundle.privateKeyPem().reveal());
  }

  /** The cluster's CA, certificate and key files on {@code disk}, null for a missing one. */
  static List<DesiredFile> filesOf(SortedMap<String, DesiredFile> disk, ClusterId id) {
    String prefix = "certs/" + id.value();
    return Arrays.asList(disk.get(prefix + "-ca.pem"), disk.get(prefix + "-crt.pem"),
        disk.get(prefix + "-key.pem"));
  }
}
