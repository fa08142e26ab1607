package io.promcc.app.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.app.local.FileWatcher;
import io.promcc.app.local.StopBudget;
import io.promcc.vault.VaultAuthSettings;
import io.promcc.vault.VaultSettings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Vault credential file's watch, on its own thread checking every 20 ms: a change triggers
 * a reconcile naming the file. Its first read, the starting point, is its thread's and may come
 * after the test's first write, so the test writes new content until it is seen (bounded).
 */
class VaultCredentialWatchTest {
  private static final URI VAULT = URI.create("https://vault.example:8200");
  private static final Duration INTERVAL = Duration.ofMillis(20);
  private static final long PATIENCE_SECONDS = 30;

  @TempDir Path temp;
  private final List<String> triggers = new CopyOnWriteArrayList<>();
  private Optional<FileWatcher.Watch> watch = Optional.empty();

  @AfterEach
  void close() {
    watch.ifPresent(FileWatcher.Watch::close);
  }

  @Test
  void aChangeOfTheTokenFileTriggersAReconcileNamingIt() throws Exception {
    Path token = Files.writeString(temp.resolve("token"), "hvs.first\n");
    watch = VaultCredentialWatch.watch(new StopBudget(), Optional.of(settings(
        VaultAuthSettings.Token.fromFile(token))), () -> true, triggers::add, INTERVAL);
    assertTrue(watch.isPresent());
    assertEquals(token.toAbsolutePath(), watch.get().path());

    changeUntilTriggered(token);
    assertEquals("the vault login credential file \"" + token.toAbsolutePath() + "\" changed",
        triggers.get(0));
  }

  @Test
  void aChangeOfTheSecretIdFileTriggersAReconcile() throws Exception {
    Path secretId = Files.writeString(temp.resolve("secret-id"), "first\n");
    watch = VaultCredentialWatch.watch(new StopBudget(), Optional.of(settings(
        new VaultAuthSettings.AppRole("approle", "role", secretId))), () -> true, triggers::add,
        INTERVAL);

    changeUntilTriggered(secretId);
    assertEquals("the vault login credential file \"" + secretId + "\" changed",
        triggers.get(0));
  }

  @Test
  void aTokenFromAVariableOrNoVaultIsNotWatched() {
    assertEquals(Optional.empty(), VaultCredentialWatch.watch(new StopBudget(),
        Optional.of(settings(VaultAuthSettings.Token.fromEnvironment("PROMCC_VAULT_TOKEN"))),
        () -> true, triggers::add));
    assertEquals(Optional.empty(), VaultCredentialWatch.watch(new StopBudget(),
        Optional.empty(), () -> true, triggers::add));
  }

  /**
   * A change while nothing waits for the credential (a service account token the kubelet
   * rotates while logins work) starts no reconcile: the next login reads the new file.
   */
  @Test
  void aChangeWhileNothingWaitsForTheCredentialTriggersNoReconcile() throws Exception {
    Path jwt = Files.writeString(temp.resolve("jwt"), "first\n");
    AtomicInteger asked = new AtomicInteger();
    watch = VaultCredentialWatch.watch(new StopBudget(), Optional.of(settings(
        new VaultAuthSettings.Kubernetes("kubernetes", "promcc", jwt))), () -> {
          asked.incrementAndGet();
          return false;
        }, triggers::add, INTERVAL);

    changeUntil(jwt, () -> asked.get() > 0 || !triggers.isEmpty());
    assertEquals(List.of(), triggers, "no reconcile while nothing waits for the credential");
  }

  /** Writes new content to {@code file} every 100 ms until a reconcile is triggered. */
  private void changeUntilTriggered(Path file) throws Exception {
    changeUntil(file, () -> !triggers.isEmpty());
  }

  /** Writes new content to {@code file} every 100 ms until {@code seen}. */
  private void changeUntil(Path file, BooleanSupplier seen) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
    for (int n = 1; !seen.getAsBoolean(); n++) {
      assertTrue(System.nanoTime() < deadline, "no reconcile triggered");
      Files.writeString(file, "changed-" + n + "\n");
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }
  }

  private static VaultSettings settings(VaultAuthSettings auth) {
    return VaultSettings.builder(VAULT, auth).build();
  }
}
