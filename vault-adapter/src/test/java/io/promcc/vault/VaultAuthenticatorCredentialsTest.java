package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The credentials a login reads (token, AppRole secret ID, service account token): refused
 * logins name them, and files that cannot be read as one secret are refused sending nothing.
 */
class VaultAuthenticatorCredentialsTest {
  private final VaultFixture fixture = new VaultFixture();

  @TempDir
  Path dir;

  @AfterEach
  void close() {
    fixture.close();
  }

  private VaultAuthenticator authenticator(VaultAuthSettings auth) {
    VaultSettings settings = fixture.settings().auth(auth).build();
    return fixture.authenticator(settings, VaultConnection.create(settings));
  }

  @Test
  void wrongAppRoleSecretIsNamedInTheError() throws Exception {
    Path secretId = Files.writeString(dir.resolve("secret-id"), "wrong");
    fixture.vault.appRole("approle", "role-id-1", "the-secret-id", Duration.ofMinutes(10),
        Duration.ZERO);
    VaultAuthenticator auth =
        authenticator(new VaultAuthSettings.AppRole("approle", "role-id-1", secretId));

    VaultRequestException e = assertThrows(VaultRequestException.class, auth::token);
    assertEquals(VaultFailure.BAD_REQUEST, e.failure());
    assertEquals(400, e.status());
    assertEquals(List.of("invalid role or secret ID"), e.errors());
    assertTrue(e.getMessage().contains("POST auth/approle/login with status 400"), e.getMessage());
  }

  @Test
  void wrongServiceAccountTokenIsPermissionDenied() throws Exception {
    Path jwt = Files.writeString(dir.resolve("token"), "stale-jwt");
    fixture.vault.kubernetesRole("k8s-host", "promcc", "fresh-jwt", Duration.ofMinutes(60),
        Duration.ZERO);
    VaultAuthenticator auth =
        authenticator(new VaultAuthSettings.Kubernetes("k8s-host", "promcc", jwt));

    assertEquals(VaultFailure.PERMISSION_DENIED,
        assertThrows(VaultRequestException.class, auth::token).failure());

    // kubelet rotated the file: the next login, after the first backoff step, reads it again
    Files.writeString(jwt, "fresh-jwt");
    fixture.clock.advance(Duration.ofSeconds(1));
    auth.token();
  }

  @Test
  void tokenFileIsReadAgainAfterVaultRefusedTheToken() throws Exception {
    Secret first = fixture.vault.createToken(Duration.ofHours(1), true, Duration.ZERO);
    Path file = Files.writeString(dir.resolve("vault-token"), first.reveal());
    VaultAuthenticator auth = authenticator(VaultAuthSettings.Token.fromFile(file));
    assertEquals(first, auth.token());

    Secret second = fixture.vault.createToken(Duration.ofHours(1), true, Duration.ZERO);
    Files.writeString(file, second.reveal());
    auth.invalidate(first);
    assertEquals(second, auth.token());
    assertEquals(List.of("auth/token/lookup-self", "auth/token/lookup-self"), fixture.takePaths());
  }

  @Test
  void missingTokenVariableIsNamed() {
    VaultAuthenticator auth =
        authenticator(VaultAuthSettings.Token.fromEnvironment("NOT_SET_HERE"));
    VaultRequestException e = assertThrows(VaultRequestException.class, auth::token);
    assertEquals(VaultFailure.CREDENTIALS_UNREADABLE, e.failure());
    assertEquals("environment variable \"NOT_SET_HERE\" holding the vault token is not set",
        e.getMessage());
  }

  @Test
  void unreadableJwtFileIsNamed() {
    Path missing = dir.resolve("absent");
    VaultAuthenticator auth =
        authenticator(new VaultAuthSettings.Kubernetes("kubernetes", "r", missing));
    VaultRequestException e = assertThrows(VaultRequestException.class, auth::token);
    assertEquals(VaultFailure.CREDENTIALS_UNREADABLE, e.failure());
    assertEquals("cannot read kubernetes service account token file \"" + missing
        + "\" (no such file or directory)", e.getMessage());
  }

  @Test
  void aJwtFileThatIsNoUtf8TextIsNamedInWords() throws Exception {
    Path latin1 = Files.write(dir.resolve("token"), new byte[] {'j', (byte) 0xe9, '\n'});
    VaultAuthenticator auth =
        authenticator(new VaultAuthSettings.Kubernetes("kubernetes", "r", latin1));
    VaultRequestException e = assertThrows(VaultRequestException.class, auth::token);
    assertEquals(VaultFailure.CREDENTIALS_UNREADABLE, e.failure());
    assertEquals("cannot read kubernetes service account token file \"" + latin1
        + "\" (not UTF-8 text)", e.getMessage());
  }

  @Test
  void aCredentialsFileThatIsNotARegularFileOrTooLargeIsRefusedAtOnceSendingNothing()
      throws Exception {
    Path fifo = dir.resolve("secret-id");
    Process mkfifo;
    try {
      mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    } catch (IOException e) {
      Assumptions.abort("mkfifo is not available: " + e.getMessage());
      return;
    }
    assertTrue(mkfifo.waitFor(10, TimeUnit.SECONDS));
    Assumptions.assumeTrue(mkfifo.exitValue() == 0, "mkfifo failed");
    Path token = Files.writeString(dir.resolve("token"), "t".repeat(64 * 1024 + 1));
    VaultAuthenticator appRole =
        authenticator(new VaultAuthSettings.AppRole("approle", "role-id", fifo));
    VaultAuthenticator operator = authenticator(VaultAuthSettings.Token.fromFile(token));

    // a FIFO no one writes to: opening it to read waits for a writer, for ever
    VaultRequestException notAFile = assertTimeoutPreemptively(Duration.ofSeconds(30),
        () -> assertThrows(VaultRequestException.class, appRole::token));
    VaultRequestException tooLarge = assertTimeoutPreemptively(Duration.ofSeconds(30),
        () -> assertThrows(VaultRequestException.class, operator::token));

    assertEquals(VaultFailure.CREDENTIALS_UNREADABLE, notAFile.failure());
    assertEquals("approle secret id file \"" + fifo + "\" is not a regular file",
        notAFile.getMessage());
    assertEquals(VaultFailure.CREDENTIALS_UNREADABLE, tooLarge.failure());
    assertEquals("vault token file \"" + token + "\" is larger than 65536 bytes, found 65537 "
        + "bytes", tooLarge.getMessage());
    assertEquals(0, fixture.vault.requests().size());
  }

  /**
   * A token file of two lines (a second token appended) or with a control character cannot be
   * sent in a header: it is refused as unreadable, naming the file and never the token; it
   * failed with the HTTP client's "invalid header value", outside the login's backoff.
   */
  @Test
  void aTokenFileWithALineBreakInsideIsRefusedNamingTheFileSendingNothing() throws Exception {
    Secret token = fixture.vault.createToken(Duration.ofDays(1), true, Duration.ZERO);
    Path file = Files.writeString(dir.resolve("token"),
        token.reveal() + "\n" + token.reveal() + "\n");
    VaultAuthenticator operator = authenticator(VaultAuthSettings.Token.fromFile(file));

    VaultRequestException refused = assertThrows(VaultRequestException.class, operator::token);

    assertEquals(VaultFailure.CREDENTIALS_UNREADABLE, refused.failure());
    assertEquals("vault token file \"" + file + "\" holds a line break, a control character "
        + "or a character outside ASCII, which a token cannot have (one token, on one line)",
        refused.getMessage());
    assertEquals(0, fixture.vault.requests().size());
  }
}
