package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promcc.core.model.InvalidValueException;
import io.promcc.core.testing.LogCapture;
import io.promcc.core.testing.MutableClock;
import io.promcc.core.testing.RecordingProxy;
import io.promcc.vault.fake.FakeVault;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Vault is reached through the proxy the environment names, as Vault's Go client reaches it
 * ({@code http.ProxyFromEnvironment}): an https Vault through a {@code CONNECT} tunnel of
 * {@code HTTPS_PROXY} (else {@code https_proxy}); loopback directly; a proxy promcc cannot use
 * is refused at start, its password never shown. The Vault is named {@code vault.promcc.test},
 * which no DNS knows and the proxy tunnels to the fake on loopback.
 */
class VaultEnvironmentProxyTest {
  private static final String NAME = "vault.promcc.test";
  private static final String LOOPBACK = InetAddress.getLoopbackAddress().getHostAddress();

  private final MutableClock clock = MutableClock.startingNow();
  private final FakeVault vault = FakeVault.startHttps(clock, NAME);
  private final Map<String, String> env = new HashMap<>();

  @TempDir
  Path dir;

  @AfterEach
  void close() {
    vault.close();
  }

  @Test
  void httpsProxyCarriesTheCallsThroughItsTunnel() throws Exception {
    try (RecordingProxy proxy = RecordingProxy.http().routing(NAME, LOOPBACK)) {
      env.put("HTTPS_PROXY", proxy.url());

      Optional<String> failure = health(named());

      assertEquals(List.of(NAME + ":" + port()), proxy.targets(), "the tunnels asked");
      assertEquals(Optional.empty(), failure);
    }
  }

  @Test
  void theLowerCaseFormIsReadWhereTheUpperCaseOneIsUnset() throws Exception {
    try (RecordingProxy proxy = RecordingProxy.http().routing(NAME, LOOPBACK)) {
      env.put("HTTPS_PROXY", "");
      env.put("https_proxy", proxy.url());

      Optional<String> failure = health(named());

      assertEquals(List.of(NAME + ":" + port()), proxy.targets(), "the tunnels asked");
      assertEquals(Optional.empty(), failure);
    }
  }

  @Test
  void loopbackIsReachedDirectly() throws Exception {
    try (RecordingProxy proxy = RecordingProxy.http().routing(NAME, LOOPBACK)) {
      env.put("HTTPS_PROXY", proxy.url());

      Optional<String> failure = health(URI.create("https://localhost:" + port()));

      assertEquals(List.of(), proxy.targets(), "the tunnels asked");
      assertEquals(Optional.empty(), failure);
    }
  }

  @Test
  void noProxyComparesItsPortWithVaultsAsWritten() throws Exception {
    // go's httpproxy: "name:8200" is no entry for https://name:08200, whose port is "08200"
    try (RecordingProxy proxy = RecordingProxy.http().routing(NAME, LOOPBACK)) {
      env.put("HTTPS_PROXY", proxy.url());
      env.put("NO_PROXY", NAME + ":" + port());

      Optional<String> failure = health(URI.create("https://" + NAME + ":0" + port()));

      assertEquals(List.of(NAME + ":" + port()), proxy.targets(), "the tunnels asked");
      assertEquals(Optional.empty(), failure);
    }
  }

  @Test
  void theStartSaysWhichProxyVaultIsReachedThrough() throws Exception {
    try (RecordingProxy proxy = RecordingProxy.http().routing(NAME, LOOPBACK);
        LogCapture log = LogCapture.of(VaultConnection.class)) {
      env.put("HTTPS_PROXY", proxy.url());
      env.put("NO_PROXY", "10.0.0.0/8,.svc");

      VaultConnection.create(settings(named()), clock, env::get);
      VaultConnection.create(settings(URI.create("https://vault.svc:8200")), clock, env::get);

      List<String> said = log.records().stream().map(new SimpleFormatter()::formatMessage)
          .toList();
      assertEquals(List.of("vault at " + named() + " is reached through proxy \"" + proxy.url()
          + "\" from HTTPS_PROXY", "vault at https://vault.svc:8200 is reached directly "
          + "(HTTPS_PROXY not used: NO_PROXY excludes vault (\".svc\"))"), said);
    }
  }

  @Test
  void aProxyWithCredentialsIsRefusedAtStartWithoutShowingThem() throws Exception {
    env.put("HTTPS_PROXY", "http://jo:s3cret@proxy.corp:3128");

    InvalidValueException refused = assertThrows(InvalidValueException.class,
        () -> VaultConnection.create(settings(named()), clock, env::get));

    assertEquals("HTTPS_PROXY (the proxy for vault \"" + named() + "\") has a user and "
        + "password, which promcc cannot send to a proxy for vault (the jdk's http client sends "
        + "no basic credentials through a connect tunnel); use a proxy that asks for none; or "
        + "exclude vault with NO_PROXY, found \"http://<redacted>@proxy.corp:3128\"",
        refused.getMessage());
    assertFalse(refused.getMessage().contains("s3cret"));
  }

  @Test
  void anHttpsProxyIsRefusedAtStart() throws Exception {
    env.put("HTTPS_PROXY", "https://proxy.corp:3128");

    InvalidValueException refused = assertThrows(InvalidValueException.class,
        () -> VaultConnection.create(settings(named()), clock, env::get));

    assertEquals("HTTPS_PROXY (the proxy for vault \"" + named() + "\") has scheme https, "
        + "which promcc cannot use for vault (the jdk's http client speaks no tls to a proxy): "
        + "use an http proxy; or exclude vault with NO_PROXY, found \"https://proxy.corp:3128\"",
        refused.getMessage());
  }

  private int port() {
    return vault.address().getPort();
  }

  private URI named() {
    return URI.create("https://" + NAME + ":" + port());
  }

  private VaultSettings settings(URI address) throws IOException {
    Path ca = Files.writeString(dir.resolve("ca.pem"), vault.tlsCaPem());
    return VaultSettings.builder(address,
        VaultAuthSettings.Token.fromEnvironment(VaultFixture.TOKEN_VARIABLE)).caBundle(ca)
        .build();
  }

  /** Asks {@code sys/health} of Vault at {@code address}; the failure's message, if one. */
  private Optional<String> health(URI address) throws IOException {
    VaultConnection connection = VaultConnection.create(settings(address), clock, env::get);
    try {
      connection.get("sys/health", null);
      return Optional.empty();
    } catch (VaultRequestException e) {
      return Optional.of(e.getMessage());
    }
  }
}
