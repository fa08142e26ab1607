package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code promcc check} against a Prometheus whose web endpoints ask for basic auth, as one with
 * {@code basic_auth_users} in its {@code --web.config.file} does: the password comes from its
 * file at each request, a refusal is printed as such, and the password never is.
 */
class CheckProtectedPrometheusTest {
  private static final String RIGHT = "r1ght-s3cret";
  private static final String WRONG = "wr0ng-s3cret";

  @TempDir Path temp;
  private HttpServer prometheus;
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  /** Answers runtime info to {@code promcc} with {@link #RIGHT}, 401 to anything else. */
  @BeforeEach
  void startPrometheus() throws IOException {
    String expected = "Basic " + Base64.getEncoder().encodeToString(("promcc:" + RIGHT)
        .getBytes(StandardCharsets.UTF_8));
    prometheus = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        0);
    prometheus.createContext("/api/v1/status/runtimeinfo", exchange -> {
      String given = exchange.getRequestHeaders().getFirst("Authorization");
      authorizations.add(String.valueOf(given));
      if (expected.equals(given)) {
        answer(exchange, 200, "{\"status\":\"success\",\"data\":{\"reloadConfigSuccess\":true,"
            + "\"lastConfigTime\":\"2026-11-25T14:37:27Z\"}}");
      } else {
        exchange.getResponseHeaders().add("WWW-Authenticate", "Basic");
        answer(exchange, 401, "Unauthorized\n");
      }
    });
    prometheus.start();
  }

  @AfterEach
  void stopPrometheus() {
    prometheus.stop(0);
  }

  private static void answer(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream stream = exchange.getResponseBody()) {
      stream.write(bytes);
    }
  }

  private String url() {
    return "http://127.0.0.1:" + prometheus.getAddress().getPort();
  }

  private int check(Path password) throws IOException {
    Path clusters = Files.writeString(temp.resolve("clusters.yml"), "[]\n");
    CommandLine command = Main.commandLine(Map.of());
    command.setOut(new PrintWriter(out));
    command.setErr(new PrintWriter(err));
    return command.execute("check", "--clusters", clusters.toString(), "--out",
        temp.resolve("out").toString(), "--state-dir", temp.resolve("state").toString(),
        "--prometheus-url", url(), "--prometheus-basic-auth-user", "promcc",
        "--prometheus-password-file", password.toString());
  }

  @Test
  void aRefusedPasswordIsNamedAsSuchAndARotatedFileIsReadAtTheNextRequest() throws Exception {
    Path password = Files.writeString(temp.resolve("password"), WRONG + "\n");

    int refused = check(password);

    String text = out.toString();
    assertEquals(3, refused, text + err);
    assertTrue(text.contains("prometheus: cannot tell (prometheus at \"" + url() + "\" refused "
        + "the credentials (basic auth as \"promcc\" with the password in \"" + password
        + "\"): GET /api/v1/status/runtimeinfo answered status 401: \"Unauthorized\")"), text);

    Path next = Files.writeString(temp.resolve("password.next"), RIGHT + "\n");
    Files.move(next, password, StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    out.getBuffer().setLength(0);
    check(password);

    assertTrue(out.toString().contains("prometheus: last load succeeded at "
        + "2026-11-25T14:37:27Z"), out.toString());
    assertEquals(2, authorizations.size(), authorizations.toString());
    String all = out + err.toString();
    assertFalse(all.contains(WRONG) || all.contains(RIGHT), all);
  }
}
