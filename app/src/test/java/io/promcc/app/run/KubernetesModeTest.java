package io.promcc.app.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import io.promcc.app.settings.RunSettings;
import io.promcc.app.settings.SettingsLoader;
import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.Problems;
import io.promcc.core.model.Secret;
import io.promcc.core.testing.FileModes;
import io.promcc.core.testing.Polls;
import io.promcc.kube.fake.ApiResource;
import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.Poll;
import io.promcc.kube.fake.Selector;
import io.promcc.kube.fake.TestCa;
import io.promcc.vault.fake.FakeVault;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller wired for Kubernetes, in this JVM, against the Kubernetes API fake and the Vault
 * fake: Services become jobs with certificates from Vault or Secrets, Events for rejected
 * Services come from the Lease holder only, and an unreachable API keeps it unready and writing
 * nothing. (The same runs as a real process in it-tests.)
 */
class KubernetesModeTest {
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  @TempDir Path temp;
  private final FakeKubeApi host = FakeKubeApi.start();
  private final List<Running> running = new ArrayList<>();
  private FakeVault vault;

  /** A controller started in this JVM; stopped after the test. */
  private record Running(Controller controller, Thread thread, Path out) {}

  @AfterEach
  void stopAll() {
    running.forEach(r -> r.controller().stop());
    host.close();
    if (vault != null) {
      vault.close();
    }
  }

  private Running start(String name, Map<String, String> flags) throws IOException {
    Map<String, String> all = new TreeMap<>(flags);
    Path out = temp.resolve(name + "-out");
    all.put("out", out.toString());
    all.put("state-dir", temp.resolve(name + "-state").toString());
    all.put("http-address", "127.0.0.1:0");
    all.put("discovery", "kubernetes");
    all.put("kubeconfig", kubeconfig(host));
    all.put("debounce", "50ms");
    all.putIfAbsent("identity", name);
    all.put("lease-namespace", "monitoring");
    Problems problems = new Problems("settings");
    RunSettings settings = SettingsLoader.load(RunSettings.TABLE, all, Map.of(), problems);
    assertEquals(List.of(), problems.list());
    Controller controller = DaggerControllerComponent.factory()
        .create(settings, Clock.systemUTC()).controller();
    controller.start();
    Thread thread = new Thread(controller::run, "controller-" + name);
    thread.start();
    Running r = new Running(controller, thread, out);
    running.add(r);
    return r;
  }

  private String kubeconfig(FakeKubeApi api) throws IOException {
    Path file = temp.resolve("kubeconfig-" + api.url().getPort());
    return FakeKubeconfigs.write(api, file).toString();
  }

  /** A guest-cluster Service {@code master} in namespace {@code id}, labelled as providers do. */
  private void service(String namespace, String id, String apiServer) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("app", "master");
    labels.put("giantswarm.io/cluster", id);
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put("giantswarm.io/prometheus-cluster", id);
    if (apiServer != null) {
      annotations.put("promcc.io/api-server-url", apiServer);
    }
    host.store().create(ApiResource.SERVICES, namespace, new V1Service()
        .metadata(new V1ObjectMeta().namespace(namespace).name("master").labels(labels)
            .annotations(annotations))
        .spec(new V1ServiceSpec().ports(List.of(new V1ServicePort().name("https").port(443)))));
  }

  private static void await(String what, BooleanSupplier condition) {
    Poll.until(PATIENCE, what, condition::getAsBoolean);
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static int status(Controller controller, String path) {
    return get(controller, path).statusCode();
  }

  /** The answer to {@code GET path}, or a status of -1 and no body if there is none. */
  private static Answer get(Controller controller, String path) {
    try {
      HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + controller.statusPort() + path)).build(),
          HttpResponse.BodyHandlers.ofString());
      return new Answer(answer.statusCode(), answer.body());
    } catch (IOException e) {
      return new Answer(-1, "");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(-1, "");
    }
  }

  private record Answer(int statusCode, String body) {}

  private List<JsonObject> events(String namespace) {
    return host.store().list(ApiResource.EVENTS, namespace, Selector.everything(),
        Selector.everything());
  }

  @Test
  void aLabelledServiceBecomesJobsWithACertificateSignedByVault() throws Exception {
    vault = FakeVault.start(Clock.systemUTC());
    vault.pkiRole("pki-abc12", "role-abc12").forClientCertificatesBelow("k8s.example");
    Path token = Files.writeString(temp.resolve("token"),
        vault.createToken(Duration.ofDays(1), true, Duration.ZERO).reveal());
    service("abc12", "abc12", null);

    Map<String, String> flags = Map.of("certificates", "vault", "vault-address",
        vault.address().toString(), "vault-token-file", token.toString(),
        "vault-allow-insecure-http", "true");
    Running r = start("a", flags);

    Path config = r.out().resolve("prometheus.yml");
    await("jobs of abc12", () -> read(config).contains("job_name: guest-cluster-abc12-"));
    assertTrue(read(config).contains("https://master.abc12"), read(config));
    CertificateBundle bundle = CertificateBundle.fromPem(
        read(r.out().resolve("certs/abc12-ca.pem")), read(r.out().resolve("certs/abc12-crt.pem")),
        Secret.of(read(r.out().resolve("certs/abc12-key.pem"))));
    X509Certificate certificate = CertificateBundle.parseCertificate(bundle.certificatePem(),
        "client certificate");
    certificate.verify(vault.pkiMount("pki-abc12").certificate().getPublicKey());
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(r.out().resolve("certs/abc12-key.pem"))));
    await("ready", () -> status(r.controller(), "/readyz") == 200);

    // a restart takes over the certificate the first run wrote instead of asking Vault again
    r.controller().stop();
    r.thread().join(PATIENCE.toMillis());
    vault.clearRequests();
    Running restarted = start("a", flags);
    await("ready after the restart", () -> status(restarted.controller(), "/readyz") == 200);
    assertEquals(0, vault.requestCount("pki-"), vault.requests().toString());
    assertEquals(bundle.certificatePem(), read(r.out().resolve("certs/abc12-crt.pem")));
  }

  @Test
  void secretsModeReadsTheOriginalsSecretLayout() throws Exception {
    TestCa.Issued client = host.ca().issueClient("prometheus.abc12");
    Map<String, byte[]> data = new LinkedHashMap<>();
    data.put("ca", host.ca().certificatePem().getBytes(StandardCharsets.US_ASCII));
    data.put("crt", client.certificatePem().getBytes(StandardCharsets.US_ASCII));
    data.put("key", client.privateKeyPem().getBytes(StandardCharsets.US_ASCII));
    host.store().create(ApiResource.SECRETS, "default", new V1Secret().metadata(
        new V1ObjectMeta().namespace("default").name("abc12-prometheus")
            .labels(Map.of("clusterID", "abc12", "clusterComponent", "prometheus"))).data(data));
    service("abc12", "abc12", null);
    Set<Thread> before = NonDaemonThreads.alive();

    Running r = start("a", Map.of("certificates", "secrets"));

    await("jobs of abc12", () -> read(r.out().resolve("prometheus.yml"))
        .contains("job_name: guest-cluster-abc12-"));
    assertEquals(client.certificatePem(), read(r.out().resolve("certs/abc12-crt.pem")));
    assertEquals(host.ca().certificatePem(), read(r.out().resolve("certs/abc12-ca.pem")));
    assertFalse(NonDaemonThreads.startedSince(before).isEmpty(), "no informer thread seen");

    // a program that embeds it and stops it ends: no thread it started keeps the JVM alive
    r.controller().stop();
    r.thread().join(PATIENCE.toMillis());
    assertFalse(r.thread().isAlive(), "run() did not return");
    Polls.until(PATIENCE, Duration.ofMillis(10),
        () -> NonDaemonThreads.startedSince(before).isEmpty(),
        () -> "threads left that keep the JVM alive: " + NonDaemonThreads.startedSince(before));
  }

  @Test
  void aRejectedServiceGetsOneEventFromTheLeaseHolderAndTheOtherReplicaTakesOver()
      throws Exception {
    service("abc12", "abc12", "http://abc12.example"); // not https: rejected
    Map<String, String> flags = Map.of("certificates", "secrets", "lease-duration", "3s");
    Running first = start("replica-a", flags);
    await("one event", () -> events("abc12").size() == 1);
    Running second = start("replica-b", flags);
    await("replica b running", () -> status(second.controller(), "/healthz") == 200);
    JsonObject event = events("abc12").get(0);
    assertEquals("ApiServerNotHttps", event.get("reason").getAsString());
    assertEquals("master", event.getAsJsonObject("involvedObject").get("name").getAsString());
    assertEquals("Warning", event.get("type").getAsString());

    // a second rejected Service while both run: still one Event each, whoever holds the Lease
    service("def34", "def34", "http://def34.example");
    await("one event for def34", () -> events("def34").size() == 1);

    // the holder stops; the other takes over within the lease duration and publishes
    Running holder = lease().contains("replica-a") ? first : second;
    holder.controller().stop();
    service("ghi56", "ghi56", "http://ghi56.example");
    await("the other replica publishes", () -> events("ghi56").size() == 1);
    assertEquals(1, events("abc12").size(), "no Event twice after the take-over");
    assertEquals(1, events("def34").size());
  }

  /**
   * The Event of a rejected Service is where its owner looks for it: kubectl describe service
   * lists the Events whose involved object is the Service by kind, namespace, name and uid.
   */
  @Test
  void theEventOfARejectedServiceIsListedByKubectlDescribe() throws Exception {
    service("abc12", "abc12", "http://abc12.example"); // not https: rejected
    String uid = host.store().get(ApiResource.SERVICES, "abc12", "master")
        .getAsJsonObject("metadata").get("uid").getAsString();
    start("a", Map.of("certificates", "secrets", "lease-duration", "3s"));
    await("one event", () -> events("abc12").size() == 1);

    // the field selector of kubectl describe (its searchEvents)
    Selector describe = Selector.fields("involvedObject.name=master,"
        + "involvedObject.namespace=abc12,involvedObject.kind=Service,involvedObject.uid=" + uid);
    assertEquals(1, host.store().list(ApiResource.EVENTS, "abc12", Selector.everything(),
        describe).size(), events("abc12").toString());
  }

  private String lease() {
    return host.store().list(ApiResource.LEASES, "monitoring", Selector.everything(),
        Selector.everything()).toString();
  }

  @Test
  void startingWithTheApiUnreachableStaysUnreadyAndWritesNothing() throws Exception {
    FakeKubeApi gone = FakeKubeApi.start();
    String kubeconfig = kubeconfig(gone);
    gone.close();
    Map<String, String> all = new TreeMap<>(Map.of("certificates", "secrets",
        "sync-timeout", "1s"));
    Running r = startWithKubeconfig("a", all, kubeconfig);

    await("healthz answers", () -> status(r.controller(), "/healthz") == 200);
    // every answer over two seconds (past the 1 s sync timeout) is 503
    List<Integer> answers = new ArrayList<>();
    long start = System.nanoTime();
    await("two seconds of /readyz answers", () -> {
      answers.add(status(r.controller(), "/readyz"));
      // two answers at least, however slow each is on a busy machine
      return System.nanoTime() - start >= Duration.ofSeconds(2).toNanos() && answers.size() > 1;
    });
    assertTrue(answers.size() > 1, answers.toString());
    assertEquals(List.of(503), answers.stream().distinct().toList(), answers.toString());
    assertFalse(Files.exists(r.out().resolve("prometheus.yml")), "nothing written");
  }

  /**
   * The Services list is refused (the rbac manifest not applied): /readyz, where troubleshooting
   * starts, names the API server's answer, not only that the sources have not synced.
   */
  @Test
  void readyzNamesTheRefusalThatKeepsTheSourcesFromSyncing() throws Exception {
    host.faults().forbid(-1, request -> request.isFor(ApiResource.SERVICES));
    Running r = start("a", Map.of("certificates", "secrets"));

    await("/readyz names the refusal", () -> {
      Answer ready = get(r.controller(), "/readyz");
      return ready.statusCode() == 503 && ready.body().contains("http status 403");
    });
  }

  /**
   * An API server nothing listens for: /readyz shows, for each source (Services and Secrets),
   * what failed, where, and what to check, where it showed "cannot connect to the api server
   * \"https://127.0.0.1:45991\"...", the reason cut off (and before that the JVM's
   * "ConnectException: Connection refused"), and then, cut at 300 characters, "connection
   * refused at 127.0.0.1:45991, for the api server \"h...", what to check cut off.
   */
  @Test
  void readyzNamesTheApiServerThatNothingListensFor() throws Exception {
    FakeKubeApi gone = FakeKubeApi.start();
    String kubeconfig = kubeconfig(gone);
    String address = "127.0.0.1:" + gone.url().getPort();
    gone.close();
    Running r = startWithKubeconfig("a", Map.of("certificates", "secrets"), kubeconfig);
    String refused = "connection refused at " + address + ", for the api server \"https://"
        + address + "\"";
    String check = refused + ": nothing listens there; check the address and port of the api "
        + "server, or of its proxy, and that it runs}";

    await("/readyz names the server for both sources", () -> {
      Answer ready = get(r.controller(), "/readyz");
      return ready.statusCode() == 503
          && ready.body().contains("in all namespaces: " + refused)
          && ready.body().contains("in namespace \"default\": " + refused);
    });
    String body = get(r.controller(), "/readyz").body();
    assertFalse(body.contains("Exception"), body);
    assertTrue(body.contains("in all namespaces: " + check)
        && body.contains("in namespace \"default\": " + check), body);
  }

  private Running startWithKubeconfig(String name, Map<String, String> flags, String kubeconfig)
      throws IOException {
    Map<String, String> all = new TreeMap<>(flags);
    Path out = temp.resolve(name + "-out");
    all.put("out", out.toString());
    all.put("state-dir", temp.resolve(name + "-state").toString());
    all.put("http-address", "127.0.0.1:0");
    all.put("discovery", "kubernetes");
    all.put("kubeconfig", kubeconfig);
    Problems problems = new Problems("settings");
    RunSettings settings = SettingsLoader.load(RunSettings.TABLE, all, Map.of(), problems);
    assertEquals(List.of(), problems.list());
    Controller controller = DaggerControllerComponent.factory()
        .create(settings, Clock.systemUTC()).controller();
    controller.start();
    Thread thread = new Thread(controller::run, "controller-" + name);
    thread.start();
    Running r = new Running(controller, thread, out);
    running.add(r);
    return r;
  }
}
