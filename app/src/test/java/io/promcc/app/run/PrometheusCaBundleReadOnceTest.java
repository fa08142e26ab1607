package io.promcc.app.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.promcc.app.settings.RunSettings;
import io.promcc.app.settings.SettingsLoader;
import io.promcc.core.model.Problems;
import io.promcc.core.testing.ThrowawayCa;
import io.promcc.prometheus.HttpPrometheusControl;
import io.promcc.prometheus.PrometheusAdapterSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --prometheus-ca-bundle} is read once, by the start's check, whose read is bounded (a
 * volume that hangs): the client trusts what that read found, and does not read the file again,
 * unbounded, when it is made.
 */
class PrometheusCaBundleReadOnceTest {
  @TempDir Path temp;
  private final ThrowawayCa ca = ThrowawayCa.create("private prometheus ca");
  private HttpsServer prometheus;

  /** Answers {@code /-/ready} over https, its certificate from {@link #ca}. */
  @BeforeEach
  void startPrometheus() throws IOException, GeneralSecurityException {
    prometheus = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        0);
    prometheus.setHttpsConfigurator(new HttpsConfigurator(ca.serverContext(ca.issueServer())));
    prometheus.createContext("/-/ready", exchange -> {
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    prometheus.start();
  }

  @AfterEach
  void stopPrometheus() {
    prometheus.stop(0);
  }

  @Test
  void theClientTrustsWhatTheStartReadWithoutReadingTheFileAgain() throws IOException {
    Path bundle = Files.writeString(temp.resolve("prometheus-ca.pem"), ca.certificatePem());
    Problems problems = new Problems("settings");
    RunSettings settings = SettingsLoader.load(RunSettings.TABLE, Map.of(
        "out", temp.resolve("out").toString(),
        "clusters", Files.writeString(temp.resolve("clusters.yml"), "[]\n").toString(),
        "prometheus-url", "https://127.0.0.1:" + prometheus.getAddress().getPort(),
        "prometheus-ca-bundle", bundle.toString()), Map.of(), problems);
    assertEquals(List.of(), problems.list());
    Files.delete(bundle); // read by the start's check: not read again

    PrometheusAdapterSettings adapter = ControllerModule.prometheusSettings(settings,
        PrometheusCallBound.DEFAULT);
    new HttpPrometheusControl(HttpPrometheusControl.newHttpClient(adapter), adapter,
        Clock.systemUTC()).awaitReady(Duration.ofSeconds(60));
  }
}
