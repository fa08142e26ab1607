package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.port.CertificateObservation;
import io.promcc.core.testing.LogCapture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Test;

/**
 * A read of the certificate an earlier run left that fails is warned of by the exception's type
 * and place, never its text: a reader of key files may quote what it read.
 */
class VaultKeptReadFailedTest extends KeptCertificateFixture {
  /**
   * A reader that fails quoting the key it read: the warning names the failure, the cluster
   * asks Vault, and no line of the key reaches the log. The warning quoted the exception's
   * text, the key with it.
   */
  @Test
  void aFailedReadIsWarnedOfWithoutItsTextWhichMayQuoteTheKey() {
    String key = left.privateKeyPem().reveal();
    String keyLine = key.lines().skip(1).findFirst().orElseThrow();
    VaultCertificateSource source = fixture.source(settings, cluster -> {
      throw new IllegalArgumentException("not a private key: " + key);
    });
    try (LogCapture log = LogCapture.of(VaultCertificateSource.class)) {
      CertificateObservation observed = source.observe(List.of(beta));

      assertEquals(Map.of(), observed.problems());
      assertNotEquals(left.serial(), observed.bundles().get(beta.id()).serial(), "asked vault");
      List<String> warnings = log.records().stream()
          .filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
          .map(VaultKeptReadFailedTest::formatted).toList();
      assertEquals(1, warnings.size(), warnings.toString());
      assertTrue(warnings.get(0).startsWith("reading the kept certificate of cluster \"beta\" "
          + "failed unexpectedly with java.lang.IllegalArgumentException at "), warnings.get(0));
      assertFalse(log.records().stream().map(VaultKeptReadFailedTest::formatted)
          .anyMatch(line -> line.contains(keyLine)), "the key reached the log");
    } finally {
      source.close();
    }
  }

  /**
   * A read that fails is no finding of nothing kept: while the cluster has no certificate (Vault
   * sealed), the next look reads again and takes over what the volume gives then, warned of
   * once. It counted as nothing kept: the cluster stayed without a certificate until Vault was
   * back.
   */
  @Test
  void aFailedReadIsReadAgainWhileTheClusterHasNoCertificate() {
    vault.seal();
    AtomicInteger reads = new AtomicInteger();
    VaultCertificateSource source = fixture.source(settings, cluster -> {
      if (reads.incrementAndGet() <= 2) {
        throw new UncheckedIOException(new IOException("Input/output error"));
      }
      return Optional.of(left);
    });
    try (LogCapture log = LogCapture.of(VaultCertificateSource.class)) {
      CertificateObservation sealed = source.observe(List.of(beta));
      assertEquals("vault-sealed", sealed.problems().get(beta.id()).reason());
      fixture.clock.set(sealed.nextAttention().orElseThrow());
      CertificateObservation failedAgain = source.observe(List.of(beta));
      assertEquals("vault-sealed", failedAgain.problems().get(beta.id()).reason());
      fixture.clock.set(failedAgain.nextAttention().orElseThrow());

      CertificateObservation read = source.observe(List.of(beta));

      assertEquals(left, read.bundles().get(beta.id()), read.problems().toString());
      assertEquals(Map.of(), read.problems());
      assertEquals(3, reads.get(), "reads of the kept certificate");
      assertEquals(1, log.records().stream().filter(r -> r.getMessage().startsWith(
          "reading the kept certificate of cluster \"beta\" failed")).count(), log.lines()
          .toString());
    } finally {
      source.close();
    }
  }

  /**
   * A cause that fails the reads of many clusters (the certificate folder no longer readable
   * after a restart: permission denied) is warned of once, naming the cause by type, and each
   * cluster's failure is logged at debug level, none lost; another cause is warned of again.
   * Each cluster warned, a thousand lines at a restart with a thousand clusters.
   */
  @Test
  void aCauseFailingManyClustersIsWarnedOfOnceAndEachClusterAtDebugLevel() {
    List<GuestCluster> clusters = fixture.clusters(6);
    ClusterId other = clusters.get(5).id();
    VaultCertificateSource source = fixture.source(settings, cluster -> {
      throw cluster.equals(other) ? new IllegalStateException("another cause") : denied(cluster);
    });
    try (LogCapture log = LogCapture.everythingOf(VaultCertificateSource.class)) {
      CertificateObservation observed = source.observe(clusters);

      assertEquals(Map.of(), observed.problems());
      List<String> failures = log.records().stream().map(VaultKeptReadFailedTest::formatted)
          .filter(line -> line.startsWith("reading the kept certificate of cluster ")).toList();
      List<String> warnings = log.records().stream()
          .filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
          .map(VaultKeptReadFailedTest::formatted).toList();
      assertEquals(2, warnings.size(), warnings.toString());
      assertEquals(1, warnings.stream().filter(w -> w.contains(
          "caused by java.nio.file.AccessDeniedException")).count(), warnings.toString());
      assertEquals(1, warnings.stream().filter(w -> w.startsWith(
          "reading the kept certificate of cluster \"c0005\" failed unexpectedly with "
              + "java.lang.IllegalStateException at ")).count(), warnings.toString());
      for (GuestCluster cluster : clusters) {
        assertEquals(1, failures.stream().filter(line -> line.startsWith("reading the kept "
            + "certificate of cluster \"" + cluster.id().value() + "\" failed")).count(),
            cluster.id() + ": " + failures);
      }
    } finally {
      source.close();
    }
  }

  /**
   * A cause is warned of again an hour after its warning (a cluster added later whose read
   * fails so), and not before: a lasting cause is not lost at debug level for the whole run.
   */
  @Test
  void aCauseIsWarnedOfAgainAnHourAfterItsWarning() {
    List<GuestCluster> clusters = fixture.clusters(3);
    VaultCertificateSource source = fixture.source(settings, cluster -> {
      throw denied(cluster);
    });
    try (LogCapture log = LogCapture.of(VaultCertificateSource.class)) {
      source.observe(clusters.subList(0, 1));
      fixture.clock.advance(KeptTakeOver.WARN_AGAIN_AFTER.minusSeconds(1));
      source.observe(clusters.subList(0, 2));
      assertEquals(1, deniedWarnings(log), log.lines().toString());

      fixture.clock.advance(Duration.ofSeconds(1));
      source.observe(clusters);

      assertEquals(2, deniedWarnings(log), log.lines().toString());
    } finally {
      source.close();
    }
  }

  /**
   * Each failed read is told to the listener (the app's metric), those logged at debug level
   * included, so that a cause warned of once an hour still counts every cluster it fails; a
   * read that found the certificate is none. The failures showed only in the log.
   */
  @Test
  void eachFailedReadIsToldToTheListenerThoseLoggedAtDebugLevelToo() {
    List<GuestCluster> clusters = fixture.clusters(3);
    ClusterId found = clusters.get(2).id();
    VaultCertificateSource source = fixture.source(settings, cluster -> {
      if (cluster.equals(found)) {
        return Optional.empty();
      }
      throw denied(cluster);
    });
    try {
      source.observe(clusters);

      List<String> failed = fixture.listener.events.stream()
          .filter(e -> e.startsWith("kept read failed ")).sorted().toList();
      assertEquals(List.of("kept read failed " + clusters.get(0).id(),
          "kept read failed " + clusters.get(1).id()), failed, fixture.listener.events
          .toString());
    } finally {
      source.close();
    }
  }

  private static long deniedWarnings(LogCapture log) {
    return log.records().stream()
        .filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
        .map(VaultKeptReadFailedTest::formatted)
        .filter(w -> w.contains("caused by java.nio.file.AccessDeniedException")).count();
  }

  /** A denied read of {@code cluster}'s files, as the app's reader throws it. */
  private static UncheckedIOException denied(ClusterId cluster) {
    String file = "/out/certificates/" + cluster.value() + "-crt.pem";
    IOException named = new IOException("reading \"" + file + "\" failed",
        new AccessDeniedException(file));
    return new UncheckedIOException(named.getMessage(), named);
  }

  /** The record's message with its parameters, and its exception's text if it has one. */
  private static String formatted(LogRecord record) {
    String thrown = record.getThrown() == null ? "" : " " + record.getThrown();
    return new SimpleFormatter().formatMessage(record) + thrown;
  }
}
