package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ClusterId;
import io.promcc.core.model.ValidationException;
import io.promcc.core.testing.LogCapture;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class VaultSettingsTest {
  private static final URI VAULT = URI.create("https://vault.example:8200");

  private static VaultSettings.Builder builder() {
    return VaultSettings.builder(VAULT, VaultAuthSettings.Kubernetes.withRole("promcc"));
  }

  @Test
  void defaultsFollowTheOneMountPerClusterLayout() {
    VaultSettings settings = builder().build();
    ClusterId id = ClusterId.of("x7k2p");
    assertEquals("pki-x7k2p", settings.pkiMount(id));
    assertEquals("role-x7k2p", settings.role(id));
    assertEquals("prometheus.x7k2p.k8s.example", settings.commonName(id));
    assertEquals(List.of(), settings.altNames(id));
    assertEquals(IssueMode.SIGN, settings.mode());
    assertEquals(KeyAlgorithm.EC_P256, settings.keyAlgorithm());
    assertEquals(Duration.ofHours(168), settings.ttl());
    assertEquals(2.0 / 3, settings.renewAfterFraction());
    assertEquals(4, settings.maxConcurrentRequests());
    assertEquals(settings, settings.toBuilder().build());
  }

  @Test
  void templatesMayUseOneSharedMount() {
    VaultSettings settings = builder().pkiMountTemplate("pki/guests").roleTemplate("prometheus")
        .commonNameTemplate("{cluster}.prometheus.corp.example")
        .altNameTemplates(List.of("api.{cluster}.corp.example")).build();
    ClusterId id = ClusterId.of("c1");
    assertEquals("pki/guests", settings.pkiMount(id));
    assertEquals("prometheus", settings.role(id));
    assertEquals(List.of("api.c1.corp.example"), settings.altNames(id));
  }

  @Test
  void aBackoffUnderAMillisecondIsRefused() {
    ValidationException e = assertThrows(ValidationException.class, () -> builder()
        .backoff(Duration.ofNanos(500_000), Duration.ofSeconds(1)).build());
    assertEquals(List.of("initial backoff must be at least 1ms, found \"PT0.0005S\""),
        e.problems());
  }

  @Test
  void everyProblemIsListedAtOnceWorded() {
    ValidationException e = assertThrows(ValidationException.class, () ->
        VaultSettings.builder().address("ftp://vault").pkiMountTemplate("pki-{clusterid}")
            .roleTemplate("role/{cluster}").commonNameTemplate("bad name {cluster}")
            .ttl(Duration.ofSeconds(5)).renewAfterFraction(1.5).maxConcurrentRequests(0)
            .backoff(Duration.ofSeconds(10), Duration.ofSeconds(1))
            .requestTimeout(Duration.ZERO).namespace("/ns")
            .kubernetesAuth("/kubernetes/", " ", Path.of("jwt")).build());
    assertEquals(List.of(
        "vault address must be an https url with a host, without query or fragment, found "
            + "\"ftp://vault\"",
        "vault namespace must be path segments of letters, digits, '_', '-' and '.', found \"/ns\"",
        "pki mount template has an unknown placeholder \"{clusterid}\" (known: {cluster}), found "
            + "\"pki-{clusterid}\"",
        "role template must expand to one path segment of letters, digits, '_', '-' and '.', "
            + "found \"role/{cluster}\"",
        "common name template must expand to a dns name, found \"bad name {cluster}\"",
        "certificate ttl must be at least 1m, found \"PT5S\"",
        "renew after fraction must be between 0 and 1 (exclusive), found \"1.5\"",
        "max concurrent vault requests must be between 1 and 256, found \"0\"",
        "max backoff must not be less than the initial backoff, found \"PT1S\"",
        "vault request timeout must be at least 1s, found \"PT0S\"",
        "kubernetes auth mount must be path segments of letters, digits, '_', '-' and '.', found "
            + "\"/kubernetes/\"",
        "kubernetes auth role must not be empty, found \" \""), e.problems());
    assertEquals("vault settings is invalid (12 problems)",
        e.getMessage().lines().findFirst().orElseThrow());
  }

  @Test
  void missingAddressAndAuthAreProblemsToo() {
    ValidationException e = assertThrows(ValidationException.class,
        () -> VaultSettings.builder().build());
    assertEquals(List.of("vault address must be set",
        "vault auth must be set: a token file, a token environment variable, kubernetes or "
            + "approle"), e.problems());
  }

  @Test
  void authSettingsListEveryProblem() {
    ValidationException kubernetes = assertThrows(ValidationException.class,
        () -> new VaultAuthSettings.Kubernetes("/kubernetes/", "", Path.of("t")));
    assertEquals(List.of("kubernetes auth mount must be path segments of letters, digits, '_', "
        + "'-' and '.', found \"/kubernetes/\"",
        "kubernetes auth role must not be empty, found \"\""), kubernetes.problems());
    ValidationException appRole = assertThrows(ValidationException.class,
        () -> new VaultAuthSettings.AppRole("app role", " ", Path.of("s")));
    assertEquals(List.of("approle auth mount must be path segments of letters, digits, '_', "
        + "'-' and '.', found \"app role\"",
        "approle role id must not be empty, found \" \""), appRole.problems());
    assertThrows(ValidationException.class,
        () -> VaultAuthSettings.Token.fromEnvironment("NOT-A-NAME"));
  }

  @Test
  void anHttpAddressIsRefusedBecauseTheTokenWouldCrossTheNetworkInClearText() {
    ValidationException e = assertThrows(ValidationException.class, () ->
        VaultSettings.builder(URI.create("http://vault.example:8200"),
            VaultAuthSettings.Kubernetes.withRole("promcc")).build());
    assertEquals(List.of("vault address must use https, as http sends the vault token in clear "
        + "text (allowInsecureHttp is for tests only), found \"http://vault.example:8200\""),
        e.problems());
  }

  @Test
  void plainHttpIsAcceptedOnlyWhenInsecureHttpIsAllowed() {
    VaultSettings settings = VaultSettings.builder().address("http://127.0.0.1:8200")
        .allowInsecureHttp(true).tokenEnvironmentVariable("VAULT_TOKEN").build();
    assertEquals(URI.create("http://127.0.0.1:8200"), settings.address());
    assertTrue(settings.allowInsecureHttp());
    assertFalse(builder().build().allowInsecureHttp());
  }

  /**
   * The warning for an http address names the option a user of promcc sets, as the settings
   * problem of a refused one does; it named the adapter's field, allowInsecureHttp.
   */
  @Test
  void theWarningForAnHttpAddressNamesThePromccOption() {
    VaultSettings settings = VaultSettings.builder().address("http://127.0.0.1:8200")
        .allowInsecureHttp(true).tokenEnvironmentVariable("VAULT_TOKEN").build();
    try (LogCapture log = LogCapture.of(VaultConnection.class)) {
      VaultConnection.create(settings);

      assertEquals(List.of("WARNING vault address {0} uses plain http: the vault token crosses "
          + "the network in clear text (--vault-allow-insecure-http is for tests only)"),
          log.lines().stream().filter(line -> line.startsWith("WARNING")).toList());
    }
  }

  @Test
  void credentialsInTheAddressAreRefusedAndNeverPrinted() {
    ValidationException e = assertThrows(ValidationException.class, () ->
        VaultSettings.builder(URI.create("https://admin:s3cret-pw@vault.example:8200"),
            VaultAuthSettings.Kubernetes.withRole("promcc")).build());
    assertEquals(List.of("vault address must not contain user information (credentials belong in "
        + "files or environment variables), found \"https://<redacted>@vault.example:8200\""),
        e.problems());
    assertFalse(e.getMessage().contains("s3cret-pw"), e.getMessage());
    assertFalse(e.getMessage().contains("admin"), e.getMessage());
  }

  @Test
  void anAddressThatIsNoUrlIsNamedWithoutItsCredentials() {
    ValidationException e = assertThrows(ValidationException.class, () ->
        VaultSettings.builder().address("https://admin:pa ss@vault example")
            .tokenFile(Path.of("/var/run/vault-token")).build());
    assertEquals(List.of("vault address is not a valid url, found "
        + "\"https://<redacted>@vault example\""), e.problems());
    assertFalse(e.getMessage().contains("pa ss"), e.getMessage());
  }

  @Test
  void aTokenGivenWhereAVariableNameBelongsIsNeverQuoted() {
    ValidationException e = assertThrows(ValidationException.class, () ->
        VaultSettings.builder(VAULT, VaultAuthSettings.Token.fromEnvironment("hvs.CAESIJ1x2y3z"))
            .build());
    assertEquals(List.of("vault token environment variable must be the name of a variable "
        + "(letters, digits and '_', not starting with a digit), not the token itself"),
        e.problems());
    assertFalse(e.getMessage().contains("CAESIJ1x2y3z"), e.getMessage());
  }

  @Test
  void secretsComeOnlyFromFilesOrEnvironmentVariables() {
    VaultSettings fromFile = VaultSettings.builder(VAULT,
        VaultAuthSettings.Token.fromFile(Path.of("/var/run/secrets/vault-token"))).build();
    VaultSettings fromVariable = VaultSettings.builder(VAULT,
        VaultAuthSettings.Token.fromEnvironment("VAULT_TOKEN")).build();
    VaultSettings appRole = builder().appRoleAuth("approle", "role-id-1",
        Path.of("/var/run/secrets/secret-id")).build();
    // the settings say where a secret comes from, never the secret, so they are safe to print
    assertEquals("Token[file=Optional[/var/run/secrets/vault-token], environmentVariable="
        + "VAULT_TOKEN]", fromFile.auth().toString());
    assertEquals("Token[file=Optional.empty, environmentVariable=VAULT_TOKEN]",
        fromVariable.auth().toString());
    assertEquals("AppRole[mount=approle, roleId=role-id-1, "
        + "secretIdFile=/var/run/secrets/secret-id]",
        appRole.auth().toString());
    assertTrue(appRole.toString().startsWith("VaultSettings[address=https://vault.example:8200, "),
        appRole.toString());
  }
}
