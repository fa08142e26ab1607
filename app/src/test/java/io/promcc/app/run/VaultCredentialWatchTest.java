package io.promcc.app.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.app.local.FileWatcher;
import io.promcc.vault.VaultAuthSettings;
import io.promcc.vault.VaultSettings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Vault credential file's watch, checked on the test's thread
 * ({@link FileWatcher#checkNow()}): a change triggers a reconcile naming the file.
 */
class VaultCredentialWatchTest {
  private static final URI VAULT = URI.create("https://vault.example:8200");

  @TempDir Path temp;
  private final FileWatcher watcher = new FileWatcher(Duration.ofHours(1), Clock.systemUTC(),
      false);
  private final List<String> triggers = new ArrayList<>();

  @AfterEach
  void close() {
    watcher.close();
  }

  @Test
  void aChangeOfTheTokenFileTriggersAReconcileNamingIt() throws Exception {
    Path token = Files.writeString(temp.resolve("token"), "hvs.first\n");
    assertTrue(VaultCredentialWatch.watch(watcher, Optional.of(settings(
        VaultAuthSettings.Token.fromFile(token))), triggers::add).isPresent());

    watcher.checkNow();
    assertEquals(List.of(), triggers, "nothing changed yet");
    Files.writeString(token, "hvs.second\n");
    watcher.checkNow();
    assertEquals(List.of("the vault login credential file \"" + token.toAbsolutePath()
        + "\" changed"), triggers);
  }

  @Test
  void aChangeOfTheSecretIdFileTriggersAReconcile() throws Exception {
    Path secretId = Files.writeString(temp.resolve("secret-id"), "first\n");
    VaultCredentialWatch.watch(watcher, Optional.of(settings(
        new VaultAuthSettings.AppRole("approle", "role", secretId))), triggers::add);

    Files.writeString(secretId, "second\n");
    watcher.checkNow();
    assertEquals(1, triggers.size(), triggers.toString());
  }

  @Test
  void aTokenFromAVariableOrNoVaultIsNotWatched() {
    assertEquals(Optional.empty(), VaultCredentialWatch.watch(watcher, Optional.of(settings(
        VaultAuthSettings.Token.fromEnvironment("PROMCC_VAULT_TOKEN"))), triggers::add));
    assertEquals(Optional.empty(),
        VaultCredentialWatch.watch(watcher, Optional.empty(), triggers::add));
  }

  private static VaultSettings settings(VaultAuthSettings auth) {
    return VaultSettings.builder(VAULT, auth).build();
  }
}
