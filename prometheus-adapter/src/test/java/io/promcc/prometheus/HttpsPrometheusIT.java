package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.PrometheusApiException;
import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.ReloadAck;
import io.promcc.core.port.ReloadRejectedException;
import io.promcc.core.port.RuntimeInfo;
import io.promcc.core.testing.PrometheusProcess;
import io.promcc.core.testing.ThrowawayCa;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP adapter against a real Prometheus (2.53.3 and 3.x) served over https ({@code
 * --web.config.file} with {@code tls_server_config}), its certificate from a private CA: reloaded
 * with that CA as the CA bundle, refused without it in words that name the certificate's trust
 * and the option. A reload Prometheus refuses with its generic answer points to Prometheus' log.
 * A CA taken out of the bundle verifies no session resumed after the bundle was read again, nor
 * a connection kept open.
 */
class HttpsPrometheusIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path work;
  private final ThrowawayCa ca = ThrowawayCa.create("private prometheus ca");
  private PrometheusProcess prometheus;
  private URI url;
  private Path caBundle;

  @BeforeEach
  void startPrometheusOverHttps() throws IOException {
    ThrowawayCa.Issued served = ca.issueServer();
    Path cert = Files.writeString(work.resolve("tls.crt"), served.certificatePem());
    Path key = Files.writeString(work.resolve("tls.key"), served.privateKeyPem());
    Path web = Files.writeString(work.resolve("web.yml"), "tls_server_config:\n"
        + "  cert_file: " + cert + "\n  key_file: " + key + "\n");
    caBundle = Files.writeString(work.resolve("prometheus-ca.pem"), ca.certificatePem());
    Files.writeString(work.resolve("prometheus.yml"), "global:\n  scrape_interval: 1m\n");
    prometheus = PrometheusProcess.builder(work.resolve("prometheus.yml"), work)
        .flag("--web.config.file=" + web).launch();
    url = URI.create("https://127.0.0.1:" + prometheus.port());
  }

  @AfterEach
  void stopPrometheus() {
    if (prometheus != null) {
      prometheus.close();
    }
  }

  private HttpPrometheusControl control(boolean withCaBundle) {
    PrometheusAdapterSettings.Builder builder = PrometheusAdapterSettings.builder(
        work.resolve("out"), url).connectTimeout(Duration.ofSeconds(10))
        .requestTimeout(WAIT).readyTimeout(WAIT).reloadTimeout(WAIT);
    if (withCaBundle) {
      builder.caBundle(PrometheusTrust.read(caBundle));
    }
    PrometheusAdapterSettings settings = builder.build();
    return new HttpPrometheusControl(HttpPrometheusControl.newHttpClient(settings), settings,
        Clock.systemUTC());
  }

  private HttpPrometheusControl ready() {
    HttpPrometheusControl control = control(true);
    try {
      control.awaitReady(WAIT);
    } catch (RuntimeException e) {
      throw new AssertionError("prometheus did not start: " + prometheus.logText(), e);
    }
    return control;
  }

  @Test
  void withTheCaBundleAChangedConfigIsReloaded() throws IOException {
    HttpPrometheusControl control = ready();
    RuntimeInfo before = control.runtimeInfo();
    Files.writeString(work.resolve("prometheus.yml"), "global:\n  scrape_interval: 2m\n");

    assertEquals(ReloadAck.LOADED, control.reload());

    assertTrue(control.runtimeInfo().reloadConfigSuccess());
    assertTrue(control.loadedConfig().contains("scrape_interval: 2m"),
        control.loadedConfig());
    assertTrue(before.reloadConfigSuccess());
  }

  @Test
  void withoutTheCaBundleTheCertificateIsNotTrustedAndTheOptionIsNamed() {
    ready();

    PrometheusUnavailableException e = assertThrows(PrometheusUnavailableException.class,
        () -> control(false).reload());

    assertTrue(e.getMessage().contains("its tls certificate is not trusted by the jvm's trust "
        + "store"), e.getMessage());
    assertTrue(e.getMessage().contains("give the ca that signed it with --prometheus-ca-bundle"),
        e.getMessage());
  }

  @Test
  void withoutTheCaBundleAReadyWaitEndsAtOnceNamingTheCertificate() {
    ready();
    long started = System.nanoTime();

    PrometheusApiException e = assertThrows(PrometheusApiException.class,
        () -> control(false).awaitReady(WAIT));

    // bounded well below the wait of 60 s, which it polled for before
    assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(WAIT.dividedBy(2)) < 0);
    assertEquals(0, e.statusCode());
    assertTrue(e.getMessage().startsWith("GET /-/ready to prometheus at \"" + url + "\" failed: "
        + "its tls certificate is not trusted by the jvm's trust store"), e.getMessage());
  }

  /** A rotation: the CA of Prometheus' certificate added to the bundle after it was read. */
  @Test
  void aCaAddedToTheBundleAfterItWasReadIsTakenWithoutARestart() throws IOException {
    ready();
    String old = ThrowawayCa.create("old prometheus ca").certificatePem();
    Path rotating = Files.writeString(work.resolve("rotating-ca.pem"), old);
    PrometheusAdapterSettings settings = PrometheusAdapterSettings.builder(work.resolve("out"),
        url).connectTimeout(Duration.ofSeconds(10)).requestTimeout(WAIT).readyTimeout(WAIT)
        .reloadTimeout(WAIT).caBundle(PrometheusTrust.read(rotating)).build();
    Files.writeString(rotating, old + ca.certificatePem());

    new HttpPrometheusControl(HttpPrometheusControl.newHttpClient(settings), settings,
        Clock.systemUTC()).awaitReady(WAIT);
  }

  /**
   * A CA taken out of the bundle as a rotated one is added: once a server whose certificate the
   * rotated CA signed has the bundle read again, a new connection to this Prometheus, its
   * certificate still the old CA's, is verified and refused, where it resumed the TLS session
   * (Go's session ticket) verified with the old CA and was answered.
   */
  @Test
  void aCaTakenOutOfTheBundleVerifiesNoResumedSessionOnceTheBundleIsReadAgain()
      throws Exception {
    ready();
    Path rotating = Files.writeString(work.resolve("rotating-ca.pem"), ca.certificatePem());
    // patient for the bundle's read again: a busy machine may start its thread late
    PrometheusTrust trust = HttpPrometheusControlTestSupport.patientTrust(rotating);
    newClient(trust, url).runtimeInfo(); // a full handshake: the session Prometheus resumes
    ThrowawayCa rotated = ThrowawayCa.create("rotated prometheus ca");
    try (MockWebServer rotatedServer = new MockWebServer()) {
      ThrowawayCa.Issued issued = rotated.issueServer();
      rotatedServer.useHttps(ThrowawayCa.serverContext(issued.privateKey(),
          issued.certificate(), rotated.certificate()).getSocketFactory());
      rotatedServer.start(InetAddress.getLoopbackAddress(), 0);
      rotatedServer.enqueue(new MockResponse.Builder().code(200).build());
      Files.writeString(rotating, rotated.certificatePem());

      assertEquals(ReloadAck.LOADED, newClient(trust,
          URI.create("https://127.0.0.1:" + rotatedServer.getPort())).reload());
    }
    // a new client: a new connection, no connection of the first kept open
    PrometheusUnavailableException e = assertThrows(PrometheusUnavailableException.class,
        () -> newClient(trust, url).runtimeInfo());

    assertTrue(e.getMessage().contains("failed: its tls certificate is not trusted by the ca "
        + "bundle \"" + rotating + "\""), e.getMessage());
  }

  /**
   * A CA taken out of the bundle beside the one kept: a connection Prometheus keeps open (as Go
   * does between calls) is left at the first call a read is due at (here after the interval on
   * an injected ticker), whose new connection is verified and refused, where the calls went on
   * over the connection verified with the CA taken out.
   */
  @Test
  void aCaTakenOutOfTheBundleVerifiesNoKeptConnectionOnceAReadIsDue() throws Exception {
    ready();
    ThrowawayCa kept = ThrowawayCa.create("kept prometheus ca");
    Path bundle = Files.writeString(work.resolve("two-ca.pem"),
        ca.certificatePem() + kept.certificatePem());
    AtomicLong ticker = new AtomicLong();
    HttpPrometheusControl control = newClient(PrometheusTrust.read(bundle, Clock.systemUTC(),
        ticker::get, HttpPrometheusControlTestSupport.PATIENT_REREAD), url);
    control.runtimeInfo();
    Files.writeString(bundle, kept.certificatePem());
    control.runtimeInfo(); // no read is due
    ticker.addAndGet(BundleRereads.INTERVAL.toNanos());

    PrometheusUnavailableException e = assertThrows(PrometheusUnavailableException.class,
        control::runtimeInfo);

    assertTrue(e.getMessage().contains("failed: its tls certificate is not trusted by the ca "
        + "bundle \"" + bundle + "\""), e.getMessage());
  }

  /** A control with a client of its own (its own connections) over {@code trust}. */
  private HttpPrometheusControl newClient(PrometheusTrust trust, URI at) {
    PrometheusAdapterSettings settings = PrometheusAdapterSettings.builder(work.resolve("out"),
        at).connectTimeout(Duration.ofSeconds(10)).requestTimeout(WAIT).readyTimeout(WAIT)
        .reloadTimeout(WAIT).caBundle(trust).build();
    return new HttpPrometheusControl(HttpPrometheusControl.newHttpClient(settings), settings,
        Clock.systemUTC());
  }

  @Test
  void aRefusalWithPrometheusGenericAnswerPointsToItsLog() throws IOException {
    HttpPrometheusControl control = ready();
    // applied in part: prometheus' answer names no cause (open ...: no such file), its log does
    Files.writeString(work.resolve("prometheus.yml"), "global:\n  query_log_file: "
        + work.resolve("missing/query.log") + "\n");

    ReloadRejectedException e = assertThrows(ReloadRejectedException.class, control::reload);

    assertTrue(e.prometheusMessage().startsWith("failed to reload config: one or more errors "
        + "occurred while applying the new configuration"), e.prometheusMessage());
    assertTrue(e.prometheusMessage().endsWith(")" + ReloadAnswers.NO_CAUSE_HINT),
        e.prometheusMessage());
  }

  /** An http URL of this Prometheus: Go's 400, which no wait mends, names https at once. */
  @Test
  void anHttpUrlEndsAReadyWaitAtOnceNamingHttps() {
    ready();
    url = URI.create("http://127.0.0.1:" + prometheus.port());
    long started = System.nanoTime();

    PrometheusApiException e = assertThrows(PrometheusApiException.class,
        () -> control(false).awaitReady(WAIT));

    assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(WAIT.dividedBy(2)) < 0);
    assertEquals(400, e.statusCode());
    assertTrue(e.getMessage().endsWith(" with status 400: \"Client sent an HTTP request to an "
        + "HTTPS server.\": it is served over https: give an https --prometheus-url (and "
        + "--prometheus-ca-bundle if a private ca signed its certificate)"), e.getMessage());
  }

  /** An https URL of a Prometheus served over http names http at once. */
  @Test
  void anHttpsUrlOfAPrometheusServedOverHttpEndsAReadyWaitAtOnceNamingHttp() throws IOException {
    Path plainWork = Files.createDirectories(work.resolve("plain"));
    Files.writeString(plainWork.resolve("prometheus.yml"), "global:\n  scrape_interval: 1m\n");
    try (PrometheusProcess plain = PrometheusProcess.builder(plainWork.resolve("prometheus.yml"),
        plainWork).launch()) {
      url = URI.create("https://127.0.0.1:" + plain.port());
      long started = System.nanoTime();

      PrometheusApiException e = assertThrows(PrometheusApiException.class,
          () -> control(false).awaitReady(WAIT));

      assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(WAIT.dividedBy(2)) < 0);
      assertEquals(0, e.statusCode());
      assertTrue(e.getMessage().contains("failed: it does not answer in tls ("), e.getMessage());
      assertTrue(e.getMessage().endsWith("): is it served over http? give an http "
          + "--prometheus-url, or a tls_server_config in prometheus' --web.config.file"),
          e.getMessage());
    }
  }
}
