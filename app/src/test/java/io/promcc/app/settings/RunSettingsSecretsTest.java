package io.promcc.app.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Credentials given where they would show are refused, and never repeated in a problem. */
class RunSettingsSecretsTest extends RunSettingsFixture {
  @Test
  void credentialsInThePrometheusUrlAreRefusedWithoutPrintingThem() {
    load(Map.of("clusters", clusters.toString(), "out", "o",
        "prometheus-url", "http://admin:s3cret@127.0.0.1:9090"), Map.of());
    assertEquals(1, problems.list().size());
    assertEquals("--prometheus-url must not carry a user or password, found "
        + "\"http://<redacted>@127.0.0.1:9090\"", problems.list().get(0));
    assertFalse(problems.list().get(0).contains("s3cret"), problems.list().get(0));
  }

  /**
   * Also where java.net.URI finds no user information (a host with an underscore, a port that is
   * no number) or no URL at all (a space): the password was printed with the whole text.
   */
  @ParameterizedTest
  @ValueSource(strings = {"http://admin:s3cret@prom_shard0:9090",
      "http://admin:s3cret@prometheus:90o0", "http://admin:s3cret@prom etheus:9090",
      "http://admin:s3#cret@prometheus:9090",
      "http://admin:s3/cret@prometheus:9090", "http:/admin:s3cret@prometheus:9090"})
  void credentialsInAnyPrometheusUrlAreNeverPrinted(String url) {
    load(Map.of("clusters", clusters.toString(), "out", "o", "prometheus-url", url), Map.of());
    assertEquals(1, problems.list().size());
    assertTrue(problems.list().get(0).startsWith("--prometheus-url must "), problems.list().get(0));
    assertTrue(problems.list().get(0).endsWith(", found \""
        + url.substring(0, url.indexOf('a')) + "<redacted>" + url.substring(url.lastIndexOf('@'))
        + "\""), problems.list().get(0));
  }

  @Test
  void aSecretGivenAsAFlagIsRefusedAndNotRepeated() {
    List<Setting> table = List.of(Setting.secret("vault-token", "TOKEN", "A token."));
    RawSettings.gather(table, Map.of("vault-token", "hvs.s3cret"), Map.of(), Map.of(), "",
        problems);
    assertEquals(List.of("--vault-token must not be given as a flag, where it shows in ps; set "
        + "PROMCC_VAULT_TOKEN"), problems.list());
  }
}
