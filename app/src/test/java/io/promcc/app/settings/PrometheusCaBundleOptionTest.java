package io.promcc.app.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.promcc.core.model.Problems;
import io.promcc.core.testing.ThrowawayCa;
import io.promcc.prometheus.PrometheusTrust;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --prometheus-ca-bundle}: the CAs that verify the certificate of a Prometheus served
 * over https, in place of the JVM's trust store. Read at start: a file the client could not use
 * is refused with the other bad settings, named, as {@code --vault-ca-bundle} is.
 */
class PrometheusCaBundleOptionTest {
  private static final String HTTPS = "https://prometheus.example:9090";

  @TempDir Path temp;
  private Path bundle;
  private Problems problems;

  @BeforeEach
  void bundle() throws IOException {
    bundle = Files.writeString(temp.resolve("prometheus-ca.pem"),
        ThrowawayCa.create("private prometheus ca").certificatePem());
  }

  /** Loads the settings afresh: {@link #problems} holds only this load's. */
  private RunSettings load(Map<String, String> env, String... flags) throws IOException {
    problems = new Problems("settings");
    Map<String, String> given = new TreeMap<>(Map.of("out", temp.resolve("out").toString(),
        "clusters", Files.writeString(temp.resolve("clusters.yml"), "[]\n").toString(),
        "prometheus-url", HTTPS));
    for (int i = 0; i < flags.length; i += 2) {
      if (flags[i + 1] == null) {
        given.remove(flags[i]);
      } else {
        given.put(flags[i], flags[i + 1]);
      }
    }
    return SettingsLoader.load(RunSettings.TABLE, given, env, problems);
  }

  @Test
  void theBundleComesFromAFlagOrTheEnvironment() throws IOException {
    RunSettings flag = load(Map.of(), "prometheus-ca-bundle", bundle.toString());
    assertEquals(List.of(), problems.list());
    RunSettings env = load(Map.of("PROMCC_PROMETHEUS_CA_BUNDLE", bundle.toString()));

    assertEquals(List.of(), problems.list());
    assertEquals(Optional.of(bundle), flag.prometheusCaBundle().map(PrometheusTrust::path));
    assertEquals(flag, env);
  }

  @Test
  void aMissingFolderOrLargeFileIsRefusedAsTheVaultCaBundleIs() throws IOException {
    Path missing = temp.resolve("missing.pem");
    Path large = Files.write(temp.resolve("large.pem"), new byte[(1 << 20) + 1]);

    assertNull(load(Map.of(), "prometheus-ca-bundle", missing.toString()));
    assertEquals(List.of("--prometheus-ca-bundle must be a readable file, found \"" + missing
        + "\""), problems.list());
    assertNull(load(Map.of(), "prometheus-ca-bundle", temp.toString()));
    assertEquals(List.of("--prometheus-ca-bundle must be a readable file, found \"" + temp
        + "\""), problems.list());
    assertNull(load(Map.of(), "prometheus-ca-bundle", large.toString()));
    assertEquals(List.of("--prometheus-ca-bundle must be at most 1048576 bytes, found \""
        + large + "\""), problems.list());
  }

  @Test
  void aFileWithoutAPemCertificateIsRefusedNamingIt() throws IOException {
    Path key = Files.writeString(temp.resolve("tls.key"), "-----BEGIN PRIVATE KEY-----\n"
        + "MC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n");

    assertNull(load(Map.of(), "prometheus-ca-bundle", key.toString()));

    assertEquals(List.of("--prometheus-ca-bundle holds no pem certificate (\"-----BEGIN "
        + "CERTIFICATE-----\"), found \"" + key + "\""), problems.list());
  }

  @Test
  void theBundleIsOnlyReadWithAnHttpsPrometheusUrl() throws IOException {
    assertNull(load(Map.of(), "prometheus-url", null, "prometheus-ca-bundle",
        bundle.toString()));
    assertEquals(List.of("--prometheus-ca-bundle is only read with --prometheus-url, found \""
        + bundle + "\""), problems.list());

    assertNull(load(Map.of(), "prometheus-url", "http://127.0.0.1:9090",
        "prometheus-ca-bundle", bundle.toString()));
    assertEquals(List.of("--prometheus-ca-bundle is only read with an https --prometheus-url "
        + "(it verifies prometheus' tls certificate), found \"" + bundle + "\""),
        problems.list());
  }
}
