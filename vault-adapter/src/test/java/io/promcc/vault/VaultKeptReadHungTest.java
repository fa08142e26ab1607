package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.port.CertificateObservation;
import io.promcc.core.testing.LogCapture;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A read of the certificates an earlier run left that does not end (the output folder on a hung
 * NFS volume) is given up after its wait: the cluster is served as if nothing could be read
 * (Vault is asked, or its failure reported), never held for good, and the files are read again
 * once the volume answers: a read that did not end is never taken for certificates gone.
 */
class VaultKeptReadHungTest extends KeptCertificateFixture {
  /**
   * The wait for a read while the volume hangs: short, and safe so, as the reads it gives up
   * never end by themselves; once it answers, a read is waited for the volume's bound, as its
   * reader thread may start late on a busy machine ({@link HungVolume#readWait}).
   */
  private static final Duration READ_WAIT = Duration.ofMillis(200);
  /** How long a test waits for an observation: far past every wait of the source. */
  private static final long BOUND_SECONDS = 30;

  /** Answers at the end of each test: the hung reads end then. */
  private final HungVolume volume = new HungVolume(Duration.ofSeconds(BOUND_SECONDS));

  @AfterEach
  void answerTheVolume() {
    volume.close();
  }

  /**
   * The observation does not wait for a read that hangs: after the read's wait, Vault is asked
   * as for a cluster nothing was left for, with one warning. The certificate Vault issued stays
   * once the volume answers again: a kept one read late never replaces a newer one. Before, the
   * observation waited for the read for good.
   */
  @Test
  void aHungReadIsGivenUpAndVaultIsAskedInstead() throws Exception {
    VaultCertificateSource source = fixture.source(settings, hangingReader(),
        volume.readWait(READ_WAIT));
    try (LogCapture log = LogCapture.of(VaultCertificateSource.class)) {
      CertificateObservation observed = observeBounded(source, List.of(beta));

      CertificateBundle issued = observed.bundles().get(beta.id());
      assertNotEquals(null, issued, "no certificate: " + observed.problems());
      assertNotEquals(left.serial(), issued.serial());
      assertEquals(Map.of(), observed.problems());
      assertEquals(1, vault.requestCount("pki-beta/"), "asked vault");
      List<String> warnings = log.records().stream()
          .filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
          .map(new SimpleFormatter()::formatMessage).toList();
      assertEquals(1, warnings.size(), log.lines().toString());
      assertTrue(warnings.get(0).contains("reading the kept certificate of cluster \"beta\" "
          + "did not end within PT0.2S"), warnings.get(0));

      volume.answer();
      volume.awaitReadsEnded(1);
      fixture.clock.advance(Duration.ofMinutes(1));
      assertEquals(issued, observeBounded(source, List.of(beta)).bundles().get(beta.id()),
          "the kept certificate read late replaced the one vault issued");
      assertEquals(1, vault.requestCount("pki-beta/"), "asked vault again");
    } finally {
      source.close();
    }
  }

  /**
   * While a read hangs, the other clusters do not each wait for their own: a read that did not
   * end marks the volume as not answering, and reads are given up at once until it ends. At
   * most the reads begun before the first was given up hang (one per worker).
   */
  @Test
  void whileAReadHangsTheOtherClustersAreNotReadOneWaitEach() throws Exception {
    List<GuestCluster> clusters = fixture.clusters(12);
    VaultCertificateSource source = fixture.source(settings, hangingReader(),
        volume.readWait(READ_WAIT));
    try {
      CertificateObservation observed = observeBounded(source, clusters);

      assertEquals(12, observed.bundles().size(), observed.problems().toString());
      assertTrue(volume.readsBegun() <= settings.maxConcurrentRequests(),
          "reads begun: " + volume.readsBegun());
    } finally {
      source.close();
    }
  }

  /**
   * A hang is shown to the listener (the app's metric) once, however many reads it gives up,
   * and its end once the read given up ends: a hung volume is otherwise seen only in the log.
   */
  @Test
  void aHangIsShownOnceUntilItsReadEnds() throws Exception {
    List<GuestCluster> clusters = fixture.clusters(5);
    VaultCertificateSource source = fixture.source(settings, hangingReader(),
        volume.readWait(READ_WAIT));
    try {
      observeBounded(source, clusters);
      assertEquals(List.of("kept read hung"), keptReadEvents());

      volume.answer();
      volume.awaitReadsEnded(volume.readsBegun());
      assertEquals(List.of("kept read hung", "kept read ended"), keptReadEvents());
    } finally {
      source.close();
    }
  }

  /**
   * A read that hung while Vault is sealed leaves the cluster without a certificate for now
   * (Vault's reason), not without the one left for good: once the volume answers, the next look
   * takes it over, served as a healthy one. Before, the observation waited for the read for
   * good.
   */
  @Test
  void aKeptCertificateUnreadableWhileVaultIsSealedIsTakenOverOnceTheVolumeAnswers()
      throws Exception {
    vault.seal();
    VaultCertificateSource source = fixture.source(settings, hangingReader(),
        volume.readWait(READ_WAIT));
    try {
      CertificateObservation sealed = observeBounded(source, List.of(beta));
      assertFalse(sealed.bundles().containsKey(beta.id()), sealed.bundles().toString());
      assertEquals("vault-sealed", sealed.problems().get(beta.id()).reason());

      volume.answer();
      volume.awaitReadsEnded(1);
      fixture.clock.set(sealed.nextAttention().orElseThrow());
      CertificateObservation back = observeBounded(source, List.of(beta));

      assertEquals(left, back.bundles().get(beta.id()), back.problems().toString());
      assertEquals(Map.of(), back.problems());
      assertTrue(fixture.listener.events.contains("taken over " + beta.id()),
          fixture.listener.events.toString());
    } finally {
      source.close();
    }
  }

  /**
   * A kept certificate taken over after an attempt failed (read late, as the volume hung) is
   * not due before its renewal: the failed attempt's retry is no attention it needs, as the
   * observation asks nothing for a certificate not due.
   */
  @Test
  void aKeptCertificateTakenOverAfterAFailureIsDueAtItsRenewal() throws Exception {
    vault.seal();
    VaultCertificateSource source = fixture.source(settings, hangingReader(),
        volume.readWait(READ_WAIT));
    try {
      CertificateObservation sealed = observeBounded(source, List.of(beta));
      assertEquals("vault-sealed", sealed.problems().get(beta.id()).reason());

      volume.answer();
      volume.awaitReadsEnded(1);
      vault.unseal();
      fixture.clock.set(sealed.nextAttention().orElseThrow());
      CertificateObservation back = observeBounded(source, List.of(beta));
      assertEquals(left, back.bundles().get(beta.id()), back.problems().toString());

      fixture.clock.advance(Duration.ofSeconds(1));
      CertificateObservation after = observeBounded(source, List.of(beta));
      assertTrue(after.nextAttention().orElseThrow().isAfter(fixture.clock.instant()),
          "next attention " + after.nextAttention() + " at " + fixture.clock.instant());
    } finally {
      source.close();
    }
  }

  private List<String> keptReadEvents() {
    return fixture.listener.events.stream().filter(e -> e.startsWith("kept read")).toList();
  }

  /**
   * Kept certificates on the {@link #volume} that hangs: every read begun before it answers
   * waits for it, then finds {@link #left} for beta and nothing for the others.
   */
  private KeptCertificates hangingReader() {
    return cluster -> volume.read(
        () -> cluster.equals(beta.id()) ? Optional.of(left) : Optional.empty(), Optional.empty());
  }

  /** {@code source.observe(clusters)} on a thread of its own, waited for a bounded time. */
  private static CertificateObservation observeBounded(VaultCertificateSource source,
      List<GuestCluster> clusters) throws Exception {
    return CompletableFuture.supplyAsync(() -> source.observe(clusters))
        .get(BOUND_SECONDS, TimeUnit.SECONDS);
  }
}
