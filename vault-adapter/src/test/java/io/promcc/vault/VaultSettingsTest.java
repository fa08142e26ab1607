package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promcc.core.model.ClusterId;
import io.promcc.core.model.InvalidValueException;
import io.promcc.core.model.ValidationException;
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
  void everyProblemIsListedWithTheBadValueQuoted() {
    ValidationException e = assertThrows(ValidationException.class, () ->
        builder().address(URI.create("ftp://vault")).pkiMountTemplate("pki-{clusterid}")
            .roleTemplate("role/{cluster}").commonNameTemplate("bad name {cluster}")
            .ttl(Duration.ofSeconds(5)).renewAfterFraction(1.5).maxConcurrentRequests(0)
            .backoff(Duration.ofSeconds(10), Duration.ofSeconds(1))
            .requestTimeout(Duration.ZERO).namespace("/ns").build());
    assertEquals(List.of(
        "vault address must be an http or https url with a host: \"ftp://vault\"",
        "invalid vault namespace \"/ns\"",
        "unknown placeholder \"{clusterid}\" in pki mount template \"pki-{clusterid}\" (known: {cluster})",
        "invalid role template \"role/{cluster}\"",
        "invalid common name template \"bad name {cluster}\"",
        "certificate ttl must be at least 1m: \"PT5S\"",
        "renew after fraction must be between 0 and 1 (exclusive): \"1.5\"",
        "max concurrent vault requests must be between 1 and 256: \"0\"",
        "max backoff must not be less than the initial backoff: \"PT1S\"",
        "vault request timeout must be at least 1s: \"PT0S\""), e.problems());
    assertEquals("vault settings is invalid (10 problems)", e.getMessage().lines().findFirst().orElseThrow());
  }

  @Test
  void authSettingsRejectBadMountsAndEmptyRoles() {
    InvalidValueException mount = assertThrows(InvalidValueException.class,
        () -> new VaultAuthSettings.Kubernetes("/kubernetes/", "r", Path.of("t")));
    assertEquals("kubernetes auth mount must be path segments of letters, digits, '_', '-' and"
        + " '.', found \"/kubernetes/\"", mount.getMessage());
    assertThrows(InvalidValueException.class,
        () -> new VaultAuthSettings.AppRole("approle", " ", Path.of("s")));
    assertThrows(InvalidValueException.class,
        () -> VaultAuthSettings.Token.fromEnvironment("NOT-A-NAME"));
  }
}
