package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.vault.fake.FakeVault;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code promcc check --certificates vault} says, in a line of its own, whether Vault is
 * reachable, unsealed and takes the login, against the vault adapter's fake; each kind of
 * failure is told as the vault adapter's VaultReachTest shows. The clusters file lists one
 * cluster: an empty list is waited for 2 s to hold still, a list of one for 100 ms.
 */
class CheckVaultReachTest {
  private final FakeVault vault = FakeVault.start(Clock.systemUTC());
  @TempDir Path temp;

  @AfterEach
  void close() {
    vault.close();
  }

  /** The first line check prints, with {@code token} in the token file, for Vault at {@code at}. */
  private String vaultLine(URI at, String token) throws IOException {
    Path clusters = Files.writeString(temp.resolve("clusters.yml"),
        "- id: abc12\n  provider: aws\n  apiServer: https://a.example\n");
    Path tokenFile = Files.writeString(temp.resolve("token"), token + "\n");
    StringWriter out = new StringWriter();
    CommandLine command = Main.commandLine(Map.of());
    command.setOut(new PrintWriter(out));
    StringWriter err = new StringWriter();
    command.setErr(new PrintWriter(err));
    command.execute("check", "--clusters", clusters.toString(), "--out",
        temp.resolve("out").toString(), "--certificates", "vault", "--vault-address",
        at.toString(), "--vault-allow-insecure-http", "true", "--vault-token-file",
        tokenFile.toString());
    String printed = out.toString();
    assertFalse(printed.contains(token), "the token is never shown");
    return printed.lines().findFirst().orElse("(nothing printed; standard error: " + err + ")");
  }

  private String token() {
    return vault.createToken(Duration.ofDays(30), true, Duration.ZERO).reveal();
  }

  @Test
  void aVaultThatTakesTheLoginIsSaidReachable() throws IOException {
    assertEquals("vault at \"" + vault.address() + "\": reachable and unsealed, and the login "
        + "works", vaultLine(vault.address(), token()));
  }

  @Test
  void aSealedVaultIsSaidSealed() throws IOException {
    String token = token();
    vault.seal();
    String line = vaultLine(vault.address(), token);

    assertTrue(line.startsWith("vault at \"" + vault.address() + "\": sealed ("), line);
  }
}
