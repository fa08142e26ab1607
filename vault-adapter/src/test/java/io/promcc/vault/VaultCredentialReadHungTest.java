package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.Secret;
import io.promcc.core.testing.LogCapture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A read of the login credential that does not end (its file on a volume that hangs) is given
 * up after its wait: the login fails as {@code vault-credentials-unreadable} and backs off,
 * instead of holding the authenticator's lock, and with it every worker and the close, for good.
 */
class VaultCredentialReadHungTest {
  /**
   * The wait for a read while the volume hangs: short, and safe so, as the reads it gives up
   * never end by themselves; once it answers, a read is waited for the volume's bound, as its
   * reader thread may start late on a busy machine ({@link HungVolume#readWait}).
   */
  private static final Duration READ_WAIT = Duration.ofMillis(200);
  private static final long BOUND_SECONDS = 30;

  private final VaultFixture fixture = new VaultFixture();
  /** Answers at the end of the test: the hung read ends then. */
  private final HungVolume volume = new HungVolume(Duration.ofSeconds(BOUND_SECONDS));

  @AfterEach
  void close() {
    volume.close();
    fixture.close();
  }

  /**
   * The login whose credential read hangs fails within the read's wait, as an unreadable
   * credential; once the volume answers, the login after the backoff works, and the close does
   * not wait for anything. Before, the login waited for the read for good.
   */
  @Test
  void aLoginWhoseCredentialReadHangsFailsAsUnreadableAndWorksOnceTheVolumeAnswers()
      throws Exception {
    Secret token = fixture.useNewToken();
    VaultAuthenticator auth = authenticatorOnTheHungVolume();

    ExecutionException failed = assertThrows(ExecutionException.class,
        () -> CompletableFuture.supplyAsync(auth::token).get(BOUND_SECONDS, TimeUnit.SECONDS));
    VaultRequestException unreadable =
        assertInstanceOf(VaultRequestException.class, failed.getCause());
    assertEquals(VaultFailure.CREDENTIALS_UNREADABLE, unreadable.failure());
    assertEquals("reading the vault token from environment variable \""
        + VaultFixture.TOKEN_VARIABLE + "\" did not end within PT0.2S", unreadable.getMessage());

    volume.answer();
    // until its end is counted, not only until it returned: a login between the two is given up
    volume.awaitReadsEnded(1);
    fixture.clock.advance(Duration.ofMinutes(1)); // past the login's backoff
    assertEquals(token, CompletableFuture.supplyAsync(auth::token)
        .get(BOUND_SECONDS, TimeUnit.SECONDS));
    CompletableFuture.runAsync(auth::close).get(BOUND_SECONDS, TimeUnit.SECONDS);
  }

  /**
   * The hang is warned of by the authenticator, naming the credential and where it is read
   * from, not by the certificate source: an operator looking for the failing login finds it
   * there. It was the certificate source's line, naming "the vault login credential" only.
   */
  @Test
  void theHangIsWarnedOfByTheAuthenticatorNamingTheCredentialFile() throws Exception {
    fixture.useNewToken();
    VaultAuthenticator auth = authenticatorOnTheHungVolume();
    try (LogCapture authLog = LogCapture.of(VaultAuthenticator.class);
        LogCapture sourceLog = LogCapture.of(VaultCertificateSource.class)) {
      assertThrows(ExecutionException.class, () -> CompletableFuture.supplyAsync(auth::token)
          .get(BOUND_SECONDS, TimeUnit.SECONDS));

      List<String> warnings = authLog.records().stream()
          .filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
          .map(new SimpleFormatter()::formatMessage).toList();
      String prefix = "reading the vault token from environment variable \""
          + VaultFixture.TOKEN_VARIABLE + "\" did not end within PT0.2S (is its volume hanging?)";
      assertEquals(1, warnings.stream().filter(w -> w.startsWith(prefix)).count(),
          warnings.toString());
      assertEquals(List.of(), sourceLog.lines(), "logged as the certificate source's");
    } finally {
      volume.answer();
      volume.awaitReadsEnded(1);
      CompletableFuture.runAsync(auth::close).get(BOUND_SECONDS, TimeUnit.SECONDS);
    }
  }

  /**
   * An authenticator of the fixture's settings whose credential is read through {@link #volume},
   * each read waited for at most {@link #READ_WAIT} while the volume hangs.
   */
  private VaultAuthenticator authenticatorOnTheHungVolume() {
    VaultSettings settings = fixture.settings().build();
    Function<String, String> hangingEnvironment =
        name -> volume.read(() -> fixture.environment.get(name), null);
    VaultConnection connection = VaultConnection.create(settings, fixture.clock);
    return new VaultAuthenticator(settings.auth(), connection, RenewalPolicy.of(settings),
        fixture.clock, hangingEnvironment, fixture.listener, volume.readWait(READ_WAIT));
  }
}
