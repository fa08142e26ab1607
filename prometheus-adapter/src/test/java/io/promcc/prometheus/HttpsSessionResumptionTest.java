package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.ReloadAck;
import io.promcc.core.testing.ThrowawayCa;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A resumed TLS session is not verified again (the handshake that resumes it sends no
 * certificate): the client's cached sessions are dropped when a read of the CA bundle finds it
 * changed, so a CA taken out of it verifies nothing from the next connection on, and none is
 * resumed after a minute, so a CA or certificate that expired
 * since the last full handshake is not carried on by resumptions for longer.
 */
class HttpsSessionResumptionTest extends HttpPrometheusControlTestSupport {
  @TempDir Path temp;

  private final ThrowawayCa old = ThrowawayCa.create("old prometheus ca");
  private final ThrowawayCa rotated = ThrowawayCa.create("rotated prometheus ca");
  private final MockWebServer rotatedServer = new MockWebServer();

  @AfterEach
  void stopRotated() {
    rotatedServer.close();
  }

  /** An answer after which the server closes the connection: the next call makes a new one. */
  private static MockResponse closing(int code) {
    return new MockResponse.Builder().code(code).addHeader("Connection", "close").build();
  }

  private static URI url(MockWebServer served) {
    return URI.create("https://127.0.0.1:" + served.getPort() + "/");
  }

  private static void serve(MockWebServer served, ThrowawayCa ca)
      throws GeneralSecurityException, IOException {
    ThrowawayCa.Issued issued = ca.issueServer();
    served.useHttps(ThrowawayCa.serverContext(issued.privateKey(), issued.certificate(),
        ca.certificate()).getSocketFactory());
  }

  /**
   * The old CA taken out of the bundle as the rotated one is added: a Prometheus whose
   * certificate the rotated CA signed has the bundle read again, and the next connection to
   * one still on the old CA's certificate is verified, and refused, where it resumed the
   * session verified with the old CA and was answered.
   */
  @Test
  void aCaTakenOutOfTheBundleVerifiesNoNewConnectionOnceTheBundleIsReadAgain()
      throws Exception {
    serve(server, old);
    rotatedServer.start(InetAddress.getLoopbackAddress(), 0);
    serve(rotatedServer, rotated);
    server.enqueue(closing(200));
    server.enqueue(closing(200));
    server.enqueue(closing(200));
    rotatedServer.enqueue(closing(200));
    Path file = Files.writeString(temp.resolve("prometheus-ca.pem"), old.certificatePem());
    PrometheusTrust bundle = patientTrust(file);
    HttpPrometheusControl oldServer = control(settings(url(server)).caBundle(bundle).build());
    assertEquals(ReloadAck.LOADED, oldServer.reload());
    assertEquals(ReloadAck.LOADED, oldServer.reload()); // a new connection, the session resumed
    Files.writeString(file, rotated.certificatePem());

    assertEquals(ReloadAck.LOADED,
        control(settings(url(rotatedServer)).caBundle(bundle).build()).reload());
    PrometheusUnavailableException e = assertThrows(PrometheusUnavailableException.class,
        oldServer::reload);

    assertTrue(e.getMessage().contains("failed: its tls certificate is not trusted by the ca "
        + "bundle \"" + file + "\""), e.getMessage());
  }

  /** A session is resumed for a minute at most, where the JDK's default is 24 h. */
  @Test
  void aSessionIsResumedForAMinuteAtMost() throws IOException {
    PrometheusTrust bundle = PrometheusTrust.read(Files.writeString(
        temp.resolve("prometheus-ca.pem"), old.certificatePem()));

    assertEquals(60, bundle.sslContext().getClientSessionContext().getSessionTimeout());
  }
}
