package io.promcc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.plan.Planner;
import io.promcc.core.plan.ScrapeProfile;
import io.promcc.core.testing.DesiredStateFiles;
import io.promcc.core.testing.PrometheusProcess;
import io.promcc.core.testing.TestCertificates;
import io.promcc.core.yaml.BaseConfig;
import io.promcc.kube.DeployManifests;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Prometheus container of deploy/statefulset.yaml as its shell starts it, on each release
 * the tests run on ({@link ItEnvironment#releases}: 2.53.3 and, when the build names it, the
 * 3.x): the flags after {@code exec /bin/prometheus}, with the TSDB folder and the config file
 * moved into the test's folder and the listen address onto a free loopback port, and as the
 * config the base config of deploy/ with one guest cluster's jobs merged in, as promcc writes
 * it. A flag a release does not know stops it at start; one it only warns about, as 3.x warns
 * about 2.x's {@code --enable-feature=new-service-discovery-manager}, is in its log.
 */
class DeployedPrometheusIT {
  /** The flags that name a place in the Pod; the test gives its own. */
  private static final List<String> RELOCATED =
      List.of("config.file", "storage.tsdb.path", "web.listen-address");
  private static final Pattern FLAG = Pattern.compile("--([a-z][a-z0-9.-]*)(?:=(\\S+))?");
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir
  Path dir;

  static List<ItEnvironment.Release> releases() {
    return ItEnvironment.releases();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("releases")
  void theContainersFlagsRunAsGivenWithTheDeployedBaseConfigAndLetPromccReloadIt(
      ItEnvironment.Release release) throws Exception {
    DeployManifests manifests = DeployManifests.load(ItEnvironment.repoDir().resolve("deploy"));
    Map<String, String> flags = flags(manifests.only(V1StatefulSet.class));
    Path config = DesiredStateFiles.write(planned(manifests), dir.resolve("generated"));
    Path data = dir.resolve("prometheus");
    Map<String, String> given = new LinkedHashMap<>(flags);
    RELOCATED.forEach(given::remove);

    try (PrometheusProcess prometheus = PrometheusProcess.builder(config, dir)
        .binary(release.prometheus()).dataDir(data).lifecycle(false)
        .flags(given.entrySet().stream().map(DeployedPrometheusIT::flag).toList()).launch()) {
      prometheus.awaitReady(PrometheusProcess.START_TIMEOUT);
      JsonObject running = json(prometheus.url().resolve("/api/v1/status/flags"));
      HttpResponse<String> reload = HTTP.send(HttpRequest.newBuilder(
              prometheus.url().resolve("/-/reload")).timeout(REQUEST_TIMEOUT)
          .POST(HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString());
      JsonObject runtime = json(prometheus.url().resolve("/api/v1/status/runtimeinfo"));
      String log = prometheus.logText();

      assertEquals(List.copyOf(RELOCATED), RELOCATED.stream().filter(flags::containsKey)
          .toList(), "the container gives Prometheus its config, TSDB and address: " + flags);
      assertEquals(config.toString(), running.get("config.file").getAsString());
      assertEquals(data.toString(), running.get("storage.tsdb.path").getAsString());
      given.forEach((name, value) -> assertEquals(shown(value),
          running.has(name) ? running.get(name).getAsString() : "(no such flag)",
          "--" + name + " as Prometheus runs it"));
      assertEquals(200, reload.statusCode(), "POST /-/reload, as promcc reloads: "
          + reload.body());
      assertTrue(runtime.get("reloadConfigSuccess").getAsBoolean(), runtime.toString());
      assertEquals(List.of(), log.lines().filter(line -> line.contains("Unknown option")
          || line.toLowerCase(Locale.ROOT).contains("deprecated")).toList(),
          "what Prometheus says of its flags");
    }
  }

  private static String flag(Map.Entry<String, String> flag) {
    return "--" + flag.getKey() + (flag.getValue().isEmpty() ? "" : "=" + flag.getValue());
  }

  /**
   * A flag's value as {@code /api/v1/status/flags} shows it: a switch is {@code true}, and a
   * size in Prometheus' units, which are powers of 1024, is shown with {@code iB}.
   */
  static String shown(String value) {
    return value.isEmpty() ? "true" : value.replaceFirst("^(\\d+)([KMGTPE])B$", "$1$2iB");
  }

  /** The flags the container's shell passes to Prometheus, by name ("" for a switch). */
  static Map<String, String> flags(V1StatefulSet statefulSet) {
    V1Container prometheus = statefulSet.getSpec().getTemplate().getSpec().getContainers()
        .stream().filter(c -> c.getName().equals("prometheus")).findFirst()
        .orElseThrow(() -> new AssertionError("no container prometheus"));
    String script = String.join(" ", prometheus.getArgs());
    Matcher exec = Pattern.compile("exec /bin/prometheus((?:\\s+--\\S+)+)\\s*$")
        .matcher(script);
    assertTrue(exec.find(), "the shell ends by running prometheus with its flags: " + script);
    Map<String, String> flags = new LinkedHashMap<>();
    for (String word : exec.group(1).trim().split("\\s+")) {
      Matcher flag = FLAG.matcher(word);
      assertTrue(flag.matches(), "a flag: " + word);
      assertTrue(flags.put(flag.group(1), flag.group(2) == null ? "" : flag.group(2)) == null,
          "given twice: " + word);
    }
    return flags;
  }

  private static DesiredState planned(DeployManifests manifests) {
    V1ConfigMap base = manifests.get(V1ConfigMap.class, "monitoring", "prometheus-base-config");
    GuestCluster cluster = GuestCluster.of("x7k2p", "aws", "https://127.0.0.1:1");
    return new Planner(ScrapeProfile.defaultProfile(),
        BaseConfig.parse(base.getData().get("prometheus.yml"), "prometheus-base-config"))
        .plan(List.of(cluster), TestCertificates.forAll(List.of(cluster)),
            ControllerSettings.DEFAULTS);
  }

  private static JsonObject json(URI uri) throws IOException, InterruptedException {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri)
        .timeout(REQUEST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), uri + ": " + response.body());
    return JsonParser.parseString(response.body()).getAsJsonObject().getAsJsonObject("data");
  }
}
