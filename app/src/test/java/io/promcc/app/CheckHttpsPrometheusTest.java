package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.promcc.core.testing.ThrowawayCa;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code promcc check} against a Prometheus served over https with a certificate of a private
 * CA ({@code tls_server_config} in its {@code --web.config.file}): asked with that CA in
 * {@code --prometheus-ca-bundle}, refused without it in words naming the certificate's trust
 * and the option, and a bundle that holds no certificate stops it before anything is asked; an
 * expired CA beside a valid one is one of its warnings.
 */
class CheckHttpsPrometheusTest {
  @TempDir Path temp;
  private final ThrowawayCa ca = ThrowawayCa.create("private prometheus ca");
  private HttpsServer prometheus;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  /** Answers runtime info over https, its certificate from {@link #ca}. */
  @BeforeEach
  void startPrometheus() throws IOException, GeneralSecurityException {
    SSLContext context = ca.serverContext(ca.issueServer());
    prometheus = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        0);
    prometheus.setHttpsConfigurator(new HttpsConfigurator(context));
    prometheus.createContext("/api/v1/status/runtimeinfo",
        RuntimeInfoAnswer.loadedAt(Instant.parse("2026-11-25T14:37:27Z")));
    prometheus.start();
  }

  @AfterEach
  void stopPrometheus() {
    prometheus.stop(0);
  }

  private String url() {
    return "https://127.0.0.1:" + prometheus.getAddress().getPort();
  }

  private int check(String... more) throws IOException {
    Path clusters = Files.writeString(temp.resolve("clusters.yml"), "[]\n");
    CommandLine command = Main.commandLine(Map.of());
    command.setOut(new PrintWriter(out));
    command.setErr(new PrintWriter(err));
    List<String> args = new ArrayList<>(List.of("check", "--clusters", clusters.toString(),
        "--out", temp.resolve("out").toString(), "--state-dir",
        temp.resolve("state").toString(), "--prometheus-url", url()));
    args.addAll(List.of(more));
    return command.execute(args.toArray(String[]::new));
  }

  @Test
  void withTheCaBundlePrometheusIsAskedOverHttps() throws Exception {
    Path bundle = Files.writeString(temp.resolve("ca.pem"), ca.certificatePem());

    check("--prometheus-ca-bundle", bundle.toString());

    assertTrue(out.toString().contains("prometheus: last load succeeded at "
        + "2026-11-25T14:37:27Z"), out + "\n" + err);
  }

  /**
   * An expired CA beside a valid one in the bundle verifies nothing: a finding of the check,
   * said in its {@code warning:} lines, where only the client's log line named it.
   */
  @Test
  void anExpiredCaBesideAValidOneIsAWarningOfTheCheck() throws Exception {
    Path bundle = Files.writeString(temp.resolve("ca.pem"), ThrowawayCa.create("old ca",
        Instant.parse("2020-01-01T00:00:00Z"), Instant.parse("2020-02-01T00:00:00Z"))
        .certificatePem() + ca.certificatePem());

    check("--prometheus-ca-bundle", bundle.toString());

    assertTrue(err.toString().contains("warning: prometheus ca bundle \"" + bundle + "\": "
        + "\"CN=old ca\" expired at 2020-02-01T00:00:00Z: it verifies nothing (as for go and "
        + "curl); the bundle's other certificates verify prometheus'\n"), out + "\n" + err);
    assertTrue(out.toString().contains("prometheus: last load succeeded at "
        + "2026-11-25T14:37:27Z"), out + "\n" + err);
  }

  @Test
  void withoutTheCaBundleTheCertificateIsNotTrustedAndTheOptionIsNamed() throws Exception {
    int code = check();

    String text = out.toString();
    assertEquals(3, code, text + err);
    assertTrue(text.contains("prometheus: cannot tell (GET /api/v1/status/runtimeinfo to "
        + "prometheus at \"" + url() + "\" failed: its tls certificate is not trusted by the "
        + "jvm's trust store ("), text);
    assertTrue(text.contains("give the ca that signed it with --prometheus-ca-bundle"), text);
  }

  @Test
  void aBundleWithoutACertificateStopsTheCheckBeforePrometheusIsAsked() throws Exception {
    Path key = Files.writeString(temp.resolve("tls.key"), "-----BEGIN PRIVATE KEY-----\n"
        + "MC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n");

    int code = check("--prometheus-ca-bundle", key.toString());

    assertEquals(2, code, out + "\n" + err);
    assertTrue(err.toString().contains("--prometheus-ca-bundle holds no pem certificate "
        + "(\"-----BEGIN CERTIFICATE-----\"), found \"" + key + "\""), out + "\n" + err);
  }
}
