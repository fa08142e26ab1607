package io.promcc.app.local;

import io.promcc.app.SourceErrors;
import io.promcc.app.local.ClientCertificates.Entry;
import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.Rejection;
import io.promcc.core.port.CertificateObservation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The {@link LocalCa}'s bookkeeping of the clusters' client certificates: which cluster holds
 * which, when each is renewed or tried again, the issuing, the forgetting of clusters that went,
 * and the reporting of problems to {@link SourceErrors} (once per episode, not per cluster). Not
 * thread-safe: the {@link LocalCa}'s lock guards every call.
 */
final class IssuedClients {
  // the LocalCa's logger: these lines are the local CA's
  private static final System.Logger LOG = System.getLogger(LocalCa.class.getName());

  private final ClientFiles clients;
  private final Duration clientValidity;
  private final Clock clock;
  private final SourceErrors errors;
  private final String quotedFolder;
  private final Map<ClusterId, Entry> entries = new HashMap<>();
  private boolean swept;
  private String lastReported;
  private String failing; // the kind of the current issuing failure, null while issuing works

  IssuedClients(ClientFiles clients, Duration clientValidity, Clock clock, SourceErrors errors,
      String quotedFolder) {
    this.clients = clients;
    this.clientValidity = clientValidity;
    this.clock = clock;
    this.errors = errors;
    this.quotedFolder = quotedFolder;
  }

  /**
   * A certificate for each of {@code clusters}, signed by {@code authority}, issuing or renewing
   * those that are due at {@code now}; clusters not among them are forgotten.
   */
  CertificateObservation observe(Collection<GuestCluster> clusters,
      CaStore.Authority authority, Instant now) {
    SortedMap<ClusterId, CertificateBundle> bundles = new TreeMap<>();
    SortedMap<ClusterId, Rejection> problems = new TreeMap<>();
    Set<ClusterId> observed = new HashSet<>();
    clusters.forEach(c -> observed.add(c.id()));
    forgetAllBut(observed);
    String folderFailure = null;
    Instant attention = null;
    for (GuestCluster cluster : clusters) {
      ClusterId id = cluster.id();
      Entry entry = entries.computeIfAbsent(id, i -> loadStored(i, authority));
      boolean due = entry.current == null || !now.isBefore(entry.current.renewAt());
      if (due && (entry.retryAt == null || !now.isBefore(entry.retryAt))) {
        if (folderFailure == null) {
          folderFailure = prepareClientsFolder();
        }
        if (!folderFailure.isEmpty()) {
          failed(entry, id, now, folderFailure, "clients-folder");
        } else {
          issue(entry, id, authority, now);
        }
      }
      if (entry.current != null && now.isBefore(entry.current.bundle().notAfter())) {
        bundles.put(id, entry.current.bundle());
        if (entry.problem != null) {
          problems.put(id, entry.problem); // served while its renewal fails: degraded
        }
      } else {
        problems.put(id, entry.problem != null ? entry.problem : new Rejection(id.value(),
            LocalCa.FAILED, "no valid client certificate for cluster "
                + Quoting.quote(id.value()) + " from the local CA in " + quotedFolder));
      }
      Instant next = entry.retryAt != null ? entry.retryAt
          : entry.current != null ? entry.current.renewAt() : null;
      if (next != null && (attention == null || next.isBefore(attention))) {
        attention = next;
      }
    }
    return new CertificateObservation(bundles, problems, Optional.ofNullable(attention));
  }

  /** How many clusters it holds certificates (or problems) of. */
  int size() {
    return entries.size();
  }

  /** Forgets every certificate and key held in memory. The files stay. */
  void clear() {
    entries.clear();
  }

  /** Issues and stores a certificate for {@code id}; on failure records the problem. */
  private void issue(Entry entry, ClusterId id, CaStore.Authority authority, Instant now) {
    try {
      entry.current = ClientCertificates.issueNew(authority, id, now, clientValidity, clients);
      entry.problem = null;
      entry.retryAt = null;
      failing = null;
      lastReported = null; // the same failure again is a new episode, reported again
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      failed(entry, id, now, "cannot issue a client certificate for cluster "
          + Quoting.quote(id.value()) + " in " + quotedFolder + FailureWords.said(e),
          e.getClass().getName());
    }
  }

  /**
   * Records a failure to issue. Reported once per episode and kind ({@code kind}, e.g. the
   * exception's class), not once per cluster: 10,000 clusters on a full disk are one report.
   */
  private void failed(Entry entry, ClusterId id, Instant now, String message, String kind) {
    entry.problem = new Rejection(id.value(), LocalCa.FAILED, message);
    entry.retryAt = now.plus(LocalCa.RETRY_AFTER);
    if (!kind.equals(failing)) {
      failing = kind;
      report(message);
    }
  }

  /** "" if {@code clients/} is there (or was made), else why not. */
  private String prepareClientsFolder() {
    try {
      clients.createClientsFolder();
      return "";
    } catch (IOException e) {
      return "cannot create the client certificate folder of the local CA in " + quotedFolder
          + FailureWords.said(e);
    }
  }

  /** The entry of a cluster first seen: its stored certificate, if that is still usable. */
  private Entry loadStored(ClusterId id, CaStore.Authority authority) {
    return ClientCertificates.loadStored(clients, id, authority, clock, clientValidity,
        this::report);
  }

  /** Forgets clusters not in {@code observed} and deletes their files. */
  private void forgetAllBut(Set<ClusterId> observed) {
    try {
      if (!swept) {
        for (Path stray : clients.strayClientFiles(observed)) {
          Files.deleteIfExists(stray);
        }
        swept = true;
      }
    } catch (IOException e) {
      report("cannot delete the client certificates of clusters that are gone, in "
          + quotedFolder + FailureWords.said(e));
    }
    for (ClusterId gone : List.copyOf(entries.keySet())) {
      if (!observed.contains(gone)) {
        try {
          clients.deleteClient(gone);
          entries.remove(gone); // only once its files are gone: else tried again next time
        } catch (IOException e) {
          Entry entry = entries.get(gone);
          if (!entry.deleteReported) { // once per cluster, not at every observe
            entry.deleteReported = true;
            report("cannot delete the client certificate of cluster "
                + Quoting.quote(gone.value()) + ", which is gone, in " + quotedFolder
                + FailureWords.said(e));
          }
        }
      }
    }
  }

  /** Reports {@code message} to {@link SourceErrors} as the local CA, unless it was the last. */
  void report(String message) {
    if (message.equals(lastReported)) {
      return;
    }
    lastReported = message;
    try { // the app's SourceErrors logs it, with the source's name
      errors.failed(LocalCa.SOURCE, message);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "reporting a local CA problem failed", e);
    }
  }
}
