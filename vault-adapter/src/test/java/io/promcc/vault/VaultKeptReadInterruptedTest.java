package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.port.CertificateObservation;
import io.promcc.core.port.CertificateUnavailableException;
import io.promcc.core.testing.LogCapture;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

/**
 * A read of the certificate an earlier run left that an interrupt stops (the caller being
 * stopped) is a stop, not a finding: the caller is answered {@code interrupted}, nothing is
 * warned of, and the next caller reads it again.
 */
class VaultKeptReadInterruptedTest extends KeptCertificateFixture {
  /** The thread of the caller {@link #answerOnItsOwnThread} runs. */
  private final AtomicReference<Thread> caller = new AtomicReference<>();

  /**
   * A read the caller's interrupt stopped (promcc's reader then finds no bundle, its interrupt
   * kept) answers the caller {@code interrupted}, and the next caller takes the certificate
   * over. It counted as no certificate left: the cluster asked Vault for a new one.
   */
  @Test
  void aReadStoppedByAnInterruptIsReadAgainByTheNextCaller() throws Exception {
    VaultCertificateSource source = firstReadInterrupted(Optional::empty);
    try {
      CertificateUnavailableException unavailable = interruptedCaller(source);

      assertEquals("interrupted", unavailable.reason());
      assertEquals("no certificate for cluster \"beta\": interrupted while waiting to ask "
          + "vault for the certificate of cluster \"beta\"", unavailable.getMessage());
      assertEquals(left, source.certificateFor(beta));
      assertEquals(List.of(), vault.requests(), "asked vault");
    } finally {
      source.close();
    }
  }

  /**
   * A reader that throws as its read is interrupted is not warned of as a failing read: a stop
   * is logged at debug level only. It was warned of ("reading the kept certificate of cluster
   * "beta" failed").
   */
  @Test
  void aReadThatThrowsAsItIsInterruptedIsNoWarning() throws Exception {
    VaultCertificateSource source = firstReadInterrupted(() -> {
      throw new UncheckedIOException(new ClosedByInterruptException());
    });
    try (LogCapture log = LogCapture.of(VaultCertificateSource.class)) {
      CertificateUnavailableException unavailable = interruptedCaller(source);

      assertEquals("interrupted", unavailable.reason(), unavailable.getMessage());
      assertTrue(log.records().stream().noneMatch(r -> r.getLevel().intValue()
          >= Level.WARNING.intValue()), "warned: " + log.lines());
      assertEquals(left, source.certificateFor(beta));
    } finally {
      source.close();
    }
  }

  /**
   * A caller whose thread was interrupted before it asked (by its owner; a close interrupts no
   * caller's thread) and whose read the interrupt does not stop (a small file's read on this
   * JDK) is answered the certificate it read, as a caller interrupted while it waits gets a
   * still-valid one. It got {@code interrupted}: the interrupt kept it from reading at all.
   */
  @Test
  void aCallerInterruptedBeforeItAsksIsAnsweredTheKeptCertificateItReads() throws Exception {
    VaultCertificateSource source = fixture.source(settings, cluster -> Optional.of(left));
    try {
      Object answer = answerOnItsOwnThread(source, true); // its owner stops it first

      assertEquals(left, answer);
      assertEquals(List.of(), vault.requests(), "asked vault");
    } finally {
      source.close();
    }
  }

  /**
   * Only a read an interrupt stopped is read again: a take-over that fails otherwise (here the
   * reader's own Error) is looked for once, and the next observation asks Vault, as before the
   * interrupt's read again. It failed at every observation, and Vault was never asked.
   */
  @Test
  void aTakeOverThatFailsWithAnErrorIsNotTriedAgainAndVaultIsAsked() {
    AtomicInteger reads = new AtomicInteger();
    VaultCertificateSource source = fixture.source(settings, cluster -> {
      reads.incrementAndGet();
      throw new AssertionError("the reader broke");
    });
    try {
      CertificateObservation first = source.observe(List.of(beta));
      assertEquals(VaultFailure.UNEXPECTED.reason(),
          first.problems().get(beta.id()).reason(), first.problems().toString());

      CertificateObservation second = source.observe(List.of(beta));

      assertEquals(Map.of(), second.problems(), "the take-over was tried again");
      assertTrue(second.bundles().containsKey(beta.id()), second.bundles().toString());
      assertEquals(1, reads.get(), "reads of the kept certificate");
    } finally {
      source.close();
    }
  }

  /**
   * A source whose first read of the kept certificate interrupts the caller (stopped as the
   * files are read; the read runs on a reader thread, which the caller's interrupt reaches
   * through the caller) and ends as {@code stopped} does; later reads find {@code left}.
   */
  private VaultCertificateSource firstReadInterrupted(
      Supplier<Optional<CertificateBundle>> stopped) {
    AtomicBoolean stopRead = new AtomicBoolean(true);
    return fixture.source(settings, cluster -> {
      if (stopRead.getAndSet(false)) {
        caller.get().interrupt(); // the caller is stopped as the files are read
        return stopped.get();
      }
      return Optional.of(left);
    });
  }

  /** What {@code certificateFor(beta)} throws on a thread whose read is interrupted. */
  private CertificateUnavailableException interruptedCaller(VaultCertificateSource source)
      throws Exception {
    return assertInstanceOf(CertificateUnavailableException.class,
        answerOnItsOwnThread(source, false));
  }

  /**
   * What {@code certificateFor(beta)} answers (the certificate or the exception) on a thread of
   * its own, interrupted before it asks if {@code interruptFirst}; its interrupt must be kept.
   */
  private Object answerOnItsOwnThread(VaultCertificateSource source, boolean interruptFirst)
      throws Exception {
    AtomicBoolean interruptKept = new AtomicBoolean();
    Object answer = CompletableFuture.supplyAsync(() -> {
      caller.set(Thread.currentThread());
      if (interruptFirst) {
        Thread.currentThread().interrupt();
      }
      try {
        return source.certificateFor(beta);
      } catch (CertificateUnavailableException e) {
        return e;
      } finally {
        interruptKept.set(Thread.interrupted());
      }
    }).get(30, TimeUnit.SECONDS);
    assertTrue(interruptKept.get(), "the interrupt kept");
    return answer;
  }
}
