package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promcc.core.testing.LogCapture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A read of the login credential that hangs is one line of the authenticator's, at every
 * level, and its end one more, whatever reads the credential meanwhile (a login, a login held
 * back by its backoff that reads the file for a fixed credential, a look at the file for the
 * clusters waiting for it: each a {@link LoginCredential#read()}), and however many reads began
 * before the first was given up. The credential comes from a variable on a volume that hangs,
 * as a file's read cannot be made to hang here; reads are waited for 200 ms while it hangs, and
 * the hung reads are released by the test.
 */
class VaultCredentialHangLogTest {
  private static final Duration READ_WAIT = Duration.ofMillis(200);
  private static final long BOUND_SECONDS = 30;
  /** Named by no other test: a read another test gave up may end, and log, during this one. */
  private static final String VARIABLE = "VAULT_TOKEN_HANG_LOG";

  private final HungVolume volume = new HungVolume(Duration.ofSeconds(BOUND_SECONDS));

  @AfterEach
  void close() {
    volume.close();
  }

  @Test
  void aHangIsOneLineAndItsEndOneMoreWhateverReadsMeanwhile() throws Exception {
    LoginCredential credential = new LoginCredential(
        VaultAuthSettings.Token.fromEnvironment(VARIABLE),
        name -> volume.read(() -> "s.token", null), volume.readWait(READ_WAIT));
    try (LogCapture log = LogCapture.everythingOf(VaultAuthenticator.class)) {
      // two at once: both reads may begin before either is given up
      CompletableFuture<?> first = CompletableFuture.supplyAsync(credential::read);
      CompletableFuture<?> second = CompletableFuture.supplyAsync(credential::read);
      assertEquals(VaultRequestException.class, failure(first), "the first read's failure");
      assertEquals(VaultRequestException.class, failure(second), "the second read's failure");
      for (int read = 0; read < 5; read++) {
        assertThrows(VaultRequestException.class, credential::read, "a read while it hangs");
      }
      List<String> during = readLines(log);

      volume.answer();
      volume.awaitReadsEnded(1);

      assertEquals(1, during.size(), "one line for the hang: " + during);
      assertEquals(List.of("WARNING", "INFO"), readLines(log).stream()
          .map(line -> line.substring(0, line.indexOf(' '))).toList(),
          "the hang and its end: " + readLines(log));
    }
  }

  /** The type of what {@code call} failed with, waited for a bounded time; null if none. */
  private static Class<?> failure(CompletableFuture<?> call) throws Exception {
    try {
      call.get(BOUND_SECONDS, TimeUnit.SECONDS);
      return null;
    } catch (ExecutionException e) {
      return e.getCause().getClass();
    }
  }

  /** The lines of the credential's reads: its hang, its reads given up, their ends. */
  private static List<String> readLines(LogCapture log) {
    return log.records().stream().filter(r -> r.getMessage().matches("(not )?reading \\{0}.*"))
        .map(VaultCredentialHangLogTest::line).filter(line -> line.contains(VARIABLE)).toList();
  }

  private static String line(LogRecord record) {
    return record.getLevel() + " " + new SimpleFormatter().formatMessage(record);
  }
}
