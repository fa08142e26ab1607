package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.promcc.core.model.InvalidValueException;
import io.promcc.core.testing.LogCapture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The messages docs/vault.md quotes are the adapter's: each is made here by the failure the doc
 * names, its file written {@code "..."} and its wait the default one, as the doc writes them,
 * and every quote of the doc that begins as it does is that message (a quote ending in
 * {@code ...} its beginning). So a reworded message cannot stay quoted in its old words.
 */
class VaultDocMessagesTest {
  /** Short, and safe so: the reads it gives up never end by themselves. */
  private static final Duration READ_WAIT = Duration.ofMillis(200);

  @TempDir Path dir;

  @Test
  void aTokenFileTooLargeIsQuotedAsRefused() throws IOException {
    Path file = Files.write(dir.resolve("token"), new byte[70_000]);

    VaultRequestException refused = assertThrows(VaultRequestException.class,
        () -> VaultCredentials.readSecret(file, "vault token"));

    assertQuoted("vault token file \"...\" is larger", asQuoted(refused.getMessage(), file));
  }

  @Test
  void aSecretIdFileThatIsNoRegularFileIsQuotedAsRefused() throws IOException {
    Path folder = Files.createDirectory(dir.resolve("secret-id"));

    VaultRequestException refused = assertThrows(VaultRequestException.class,
        () -> VaultCredentials.readSecret(folder, "approle secret id"));

    assertQuoted("approle secret id file \"...\" is not", asQuoted(refused.getMessage(), folder));
  }

  @Test
  void aTokenWithALineBreakIsQuotedAsRefused() throws IOException {
    Path file = Files.writeString(dir.resolve("token"), "s.first\ns.second\n");

    VaultRequestException refused = assertThrows(VaultRequestException.class,
        () -> VaultCredentials.readToken(VaultAuthSettings.Token.fromFile(file), name -> null));

    assertQuoted("vault token file \"...\" holds", asQuoted(refused.getMessage(), file));
  }

  @Test
  void aCaBundleThatIsNoRegularFileIsQuotedAsRefused() throws IOException {
    Path folder = Files.createDirectory(dir.resolve("ca.pem"));

    InvalidValueException refused =
        assertThrows(InvalidValueException.class, () -> VaultTrust.ofCaBundle(folder));

    assertQuoted("vault ca bundle is not", asQuoted(refused.getMessage(), folder));
  }

  @Test
  void aCaBundleTooLargeIsQuotedAsRefused() throws IOException {
    Path bundle = Files.write(dir.resolve("ca.pem"), new byte[2_000_000]);

    InvalidValueException refused =
        assertThrows(InvalidValueException.class, () -> VaultTrust.ofCaBundle(bundle));

    assertQuoted("vault ca bundle \"...\" is larger", asQuoted(refused.getMessage(), bundle));
  }

  @Test
  void aCaBundleWhoseReadHangsIsQuotedAsRefused() throws IOException {
    Path bundle = Files.writeString(dir.resolve("ca.pem"), "not read");
    try (HungVolume volume = new HungVolume(Duration.ofSeconds(30))) {
      InvalidValueException refused = assertTimeoutPreemptively(Duration.ofSeconds(10),
          () -> assertThrows(InvalidValueException.class, () -> VaultTrust.ofCaBundle(bundle,
              READ_WAIT, path -> volume.read(() -> "not read", ""))));

      assertQuoted("vault ca bundle was not read", asQuoted(refused.getMessage(), bundle));
    }
  }

  /**
   * The warning of a login credential whose read hangs, from a token file. A file's read cannot
   * be made to hang here, so the token comes from a variable on a volume that hangs, and the
   * warning is written as for a file: the two differ only in where the token is read from.
   */
  @Test
  void aTokenReadThatHangsIsQuotedAsWarned() throws Exception {
    VaultAuthSettings.Token variable = VaultAuthSettings.Token.fromEnvironment("VAULT_TOKEN_X");
    VaultAuthSettings.Token file = VaultAuthSettings.Token.fromFile(Path.of("..."));
    BoundedReads reads = new BoundedReads(VaultAuthenticator.class, "vault login credential",
        "vault-credential", READ_WAIT);
    try (HungVolume volume = new HungVolume(Duration.ofSeconds(30));
        LogCapture log = LogCapture.of(VaultAuthenticator.class)) {
      Function<String, String> environment = name -> volume.read(() -> "s.token", null);
      assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThrows(
          VaultRequestException.class,
          () -> VaultCredentials.readWithin(reads, variable, environment)));
      List<String> warnings = log.records().stream()
          .filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
          .map(new SimpleFormatter()::formatMessage).toList();
      assertEquals(1, warnings.size(), warnings.toString());

      String asForAFile = warnings.get(0).replace(VaultCredentials.describe(variable),
          VaultCredentials.describe(file));
      assertQuoted("reading the vault token", asQuoted(asForAFile, Path.of("...")));
      volume.answer();
    }
  }

  /**
   * {@code message} as the doc writes it: the file {@code "..."} and the test's short wait the
   * default one.
   */
  private static String asQuoted(String message, Path file) {
    return message.replace("\"" + file + "\"", "\"...\"")
        .replace(READ_WAIT.toString(), BoundedReads.DEFAULT_TIMEOUT.toString());
  }

  /**
   * Every quote of docs/vault.md that begins with {@code lead} is {@code message}, or, ending
   * in {@code ...}, its beginning; and there is one.
   */
  private static void assertQuoted(String lead, String message) throws IOException {
    List<String> quotes = quotesOf(Path.of("..", "docs", "vault.md"), lead);
    assertFalse(quotes.isEmpty(), "docs/vault.md quotes nothing beginning " + lead);
    List<String> wrong = new ArrayList<>();
    for (String quote : quotes) {
      boolean says = quote.endsWith("...")
          ? message.startsWith(quote.substring(0, quote.length() - 3).replaceAll("[,;:]? $", ""))
          : message.equals(quote);
      if (!says) {
        wrong.add(quote);
      }
    }
    assertEquals(List.of(), wrong, "the adapter says: " + message);
  }

  /** The backquoted texts of {@code doc} that begin with {@code lead}, line breaks as spaces. */
  private static List<String> quotesOf(Path doc, String lead) throws IOException {
    String[] parts = Files.readString(doc).split("`", -1);
    List<String> quotes = new ArrayList<>();
    for (int i = 1; i < parts.length; i += 2) {
      String quote = parts[i].replaceAll("\\s+", " ");
      if (quote.startsWith(lead)) {
        quotes.add(quote);
      }
    }
    return quotes;
  }
}
