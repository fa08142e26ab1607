package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.Secret;
import io.promcc.core.port.PrometheusApiException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Credentials for a Prometheus whose web endpoints ask for them ({@code basic_auth_users} in its
 * {@code --web.config.file}): sent in the {@code Authorization} header of every call, never
 * shown, and a refusal said as such, naming the credentials used, on every endpoint.
 */
class AuthenticationTest {
  private static final String RUNTIMEINFO = "{\"status\":\"success\",\"data\":{"
      + "\"reloadConfigSuccess\":true,\"lastConfigTime\":\"2026-11-25T14:37:27Z\"}}";
  /** What Prometheus (its exporter-toolkit) answers to wrong or missing basic auth. */
  private static final String UNAUTHORIZED = "Unauthorized\n";

  private final MockWebServer server = new MockWebServer();
  @TempDir Path temp;

  @BeforeEach
  void start() throws IOException {
    server.start(InetAddress.getLoopbackAddress(), 0);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private PrometheusAdapterSettings.Builder settings() {
    return PrometheusAdapterSettings.builder(Path.of("out"), uri())
        .connectTimeout(Duration.ofSeconds(30)).requestTimeout(Duration.ofSeconds(30))
        .reloadTimeout(Duration.ofSeconds(30));
  }

  private URI uri() {
    return server.url("/").uri();
  }

  private static HttpPrometheusControl control(PrometheusAdapterSettings settings) {
    return new HttpPrometheusControl(HttpPrometheusControl.newHttpClient(settings), settings,
        Clock.systemUTC(), d -> {
          throw new AssertionError("a refusal is an answer: nothing waits for it");
        });
  }

  private static MockResponse answer(int code, String body) {
    return new MockResponse.Builder().code(code).body(body).build();
  }

  private RecordedRequest take() throws InterruptedException {
    return server.takeRequest(5, TimeUnit.SECONDS);
  }

  @Test
  void aBasicAuthUserWithAControlCharacterIsRefusedWithoutShowingIt() {
    for (String user : List.of("ops\r\nX-Forwarded-For: evil", "ops\tteam", "ops\u0000")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Authentication.basic(user, Secret.of("s3cret")));
      assertEquals("basic auth username must not contain a line break or another control "
          + "character (basic auth takes none; the value is not shown)", e.getMessage());
      assertThrows(IllegalArgumentException.class,
          () -> Authentication.basicFromFile(user, temp.resolve("password")));
    }
    // the name is sent as base64 of its UTF-8 bytes: a name beyond ASCII is fine
    Authentication.basic("jörg", Secret.of("s3cret"));
    assertEquals("basic auth username must not contain ':' (basic auth puts it between the "
        + "user and the password; the value is not shown)",
        assertThrows(IllegalArgumentException.class,
            () -> Authentication.basic("a:b", Secret.of("s3cret"))).getMessage());
  }

  /** Every call of the control, each to its endpoint. */
  private static final List<Consumer<HttpPrometheusControl>> CALLS = List.of(
      c -> c.awaitReady(Duration.ofMinutes(1)), HttpPrometheusControl::runtimeInfo,
      HttpPrometheusControl::loadedConfig, c -> c.activeTargetsBy("cluster_id"),
      HttpPrometheusControl::reload);
  private static final List<String> ENDPOINTS = List.of("GET /-/ready",
      "GET /api/v1/status/runtimeinfo", "GET /api/v1/status/config",
      "GET /api/v1/targets?state=active", "POST /-/reload");

  @Test
  void aRefusalOfTheCredentialsSaysSoNamingThemOnEveryEndpoint() {
    HttpPrometheusControl control = control(settings()
        .authentication(Authentication.basic("promcc", Secret.of("s3cret"))).build());
    for (int i = 0; i < CALLS.size(); i++) {
      server.enqueue(answer(401, UNAUTHORIZED));
      Consumer<HttpPrometheusControl> call = CALLS.get(i);

      PrometheusApiException e = assertThrows(PrometheusApiException.class,
          () -> call.accept(control));

      assertEquals(401, e.statusCode());
      assertEquals(ENDPOINTS.get(i), e.endpoint());
      assertEquals("prometheus at \"" + uri() + "\" refused the credentials (basic auth as "
          + "\"promcc\"): " + ENDPOINTS.get(i) + " answered status 401: \"Unauthorized\"",
          e.getMessage());
    }
  }

  @Test
  void aPrometheusAskingForCredentialsNoneAreConfiguredForSaysToConfigureThem() {
    HttpPrometheusControl control = control(settings().build());
    for (int i = 0; i < CALLS.size(); i++) {
      server.enqueue(answer(401, UNAUTHORIZED));
      Consumer<HttpPrometheusControl> call = CALLS.get(i);

      PrometheusApiException e = assertThrows(PrometheusApiException.class,
          () -> call.accept(control));

      assertEquals("prometheus at \"" + uri() + "\" asks for credentials: " + ENDPOINTS.get(i)
          + " answered status 401: \"Unauthorized\"; configure basic auth or a bearer token",
          e.getMessage());
    }
  }

  @Test
  void aForbiddenReadIsARefusalTooButAForbiddenReloadNamesTheLifecycleApi() {
    HttpPrometheusControl control = control(settings()
        .authentication(Authentication.bearer(Secret.of("tok-123"))).build());
    server.enqueue(answer(403, "Forbidden\n"));
    server.enqueue(answer(403, "Lifecycle API is not enabled.\n"));

    PrometheusApiException read = assertThrows(PrometheusApiException.class,
        control::runtimeInfo);
    PrometheusApiException reload = assertThrows(PrometheusApiException.class, control::reload);

    assertEquals("prometheus at \"" + uri() + "\" refused the credentials (bearer token): "
        + "GET /api/v1/status/runtimeinfo answered status 403: \"Forbidden\"", read.getMessage());
    assertTrue(reload.getMessage().contains("--web.enable-lifecycle"), reload.getMessage());
  }

  @Test
  void sendsBasicAuthOnEveryCall() throws InterruptedException {
    server.enqueue(answer(200, ""));
    server.enqueue(answer(200, RUNTIMEINFO));
    HttpPrometheusControl control = control(settings()
        .authentication(Authentication.basic("promcc", Secret.of("s3cret"))).build());

    control.reload();
    control.runtimeInfo();

    assertEquals("Basic cHJvbWNjOnMzY3JldA==", take().getHeaders().get("Authorization"));
    assertEquals("Basic cHJvbWNjOnMzY3JldA==", take().getHeaders().get("Authorization"));
  }

  @Test
  void sendsABearerTokenAndNeverShowsIt() throws InterruptedException {
    server.enqueue(answer(401, UNAUTHORIZED));
    PrometheusAdapterSettings settings = settings()
        .authentication(Authentication.bearer(Secret.of("tok-123"))).build();

    PrometheusApiException e = assertThrows(PrometheusApiException.class,
        () -> control(settings).reload());

    assertEquals("Bearer tok-123", take().getHeaders().get("Authorization"));
    assertFalse(e.getMessage().contains("tok-123"), e.getMessage());
    assertTrue(e.getMessage().contains("refused the credentials (bearer token)"), e.getMessage());
    assertFalse(settings.toString().contains("tok-123"), settings.toString());
  }

  @Test
  void sendsNoAuthorizationHeaderByDefault() throws InterruptedException {
    server.enqueue(answer(200, ""));

    control(settings().build()).reload();

    assertNull(take().getHeaders().get("Authorization"));
  }

  /** Replaces {@code file} in one step, as the kubelet updates a mounted Secret. */
  private static void rotate(Path file, String content) throws IOException {
    Path next = Files.writeString(file.resolveSibling(file.getFileName() + ".next"), content);
    Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static String basic(String pair) {
    return "Basic " + java.util.Base64.getEncoder()
        .encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsThePasswordFileAtEveryRequestSoARotatedSecretIsUsedWithoutARestart()
      throws Exception {
    Path password = Files.writeString(temp.resolve("password"), "s3cret\n");
    HttpPrometheusControl control = control(settings()
        .authentication(Authentication.basicFromFile("promcc", password)).build());
    server.enqueue(answer(200, RUNTIMEINFO));
    server.enqueue(answer(200, ""));

    control.runtimeInfo();
    rotate(password, "n3w-s3cret");
    control.reload();

    assertEquals(basic("promcc:s3cret"), take().getHeaders().get("Authorization"));
    assertEquals(basic("promcc:n3w-s3cret"), take().getHeaders().get("Authorization"));
  }

  @Test
  void readsTheBearerTokenFileAtEveryRequestWithoutTheWhiteSpaceAroundIt() throws Exception {
    Path token = Files.writeString(temp.resolve("token"), "  tok-123\n");
    HttpPrometheusControl control = control(settings()
        .authentication(Authentication.bearerFromFile(token)).build());
    server.enqueue(answer(200, "Prometheus Server is Ready.\n"));
    server.enqueue(answer(200, RUNTIMEINFO));

    control.awaitReady(Duration.ofMinutes(1));
    rotate(token, "tok-456\n");
    control.runtimeInfo();

    assertEquals("Bearer tok-123", take().getHeaders().get("Authorization"));
    assertEquals("Bearer tok-456", take().getHeaders().get("Authorization"));
  }

  /**
   * A tab inside a token is a header value the http client sends, as Prometheus' own client
   * does with a bearer_token_file: it was sent before the line-break check, and still is.
   */
  @Test
  void aBearerTokenWithATabInsideIsSentAsItIs() throws Exception {
    Path token = Files.writeString(temp.resolve("token"), "tok\t123\n");
    server.enqueue(answer(200, RUNTIMEINFO));
    server.enqueue(answer(200, RUNTIMEINFO));

    control(settings().authentication(Authentication.bearerFromFile(token)).build())
        .runtimeInfo();
    control(settings().authentication(Authentication.bearer(Secret.of("tok\t123"))).build())
        .runtimeInfo();

    assertEquals("Bearer tok\t123", take().getHeaders().get("Authorization"));
    assertEquals("Bearer tok\t123", take().getHeaders().get("Authorization"));
  }

  @Test
  void aMissingOrEmptyCredentialsFileFailsTheCallNamingTheFileAndSendsNothing()
      throws IOException {
    Path password = temp.resolve("password");
    HttpPrometheusControl control = control(settings()
        .authentication(Authentication.basicFromFile("promcc", password)).build());

    PrometheusApiException missing = assertThrows(PrometheusApiException.class,
        () -> control.awaitReady(Duration.ofMinutes(1)));
    Files.writeString(password, " \n");
    PrometheusApiException empty = assertThrows(PrometheusApiException.class, control::reload);

    assertEquals(0, missing.statusCode());
    assertEquals("GET /-/ready", missing.endpoint());
    assertEquals("cannot send GET /-/ready to prometheus at \"" + uri() + "\": cannot read the "
        + "password file \"" + password + "\" (no such file or directory)", missing.getMessage());
    assertEquals("cannot send POST /-/reload to prometheus at \"" + uri() + "\": the password "
        + "file \"" + password + "\" is empty", empty.getMessage());
    assertEquals(0, server.getRequestCount());
  }

  @Test
  void aCredentialsFileThatIsNotARegularFileOrTooLargeFailsTheCallAtOnceSendingNothing()
      throws Exception {
    Path fifo = temp.resolve("password");
    Process mkfifo;
    try {
      mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    } catch (IOException e) {
      Assumptions.abort("mkfifo is not available: " + e.getMessage());
      return;
    }
    assertTrue(mkfifo.waitFor(10, TimeUnit.SECONDS));
    Assumptions.assumeTrue(mkfifo.exitValue() == 0, "mkfifo failed");
    Path token = Files.writeString(temp.resolve("token"), "t".repeat(64 * 1024 + 1));
    HttpPrometheusControl basic = control(settings()
        .authentication(Authentication.basicFromFile("promcc", fifo)).build());
    HttpPrometheusControl bearer = control(settings()
        .authentication(Authentication.bearerFromFile(token)).build());

    // a FIFO no one writes to: opening it to read waits for a writer, for ever
    PrometheusApiException notAFile = assertTimeoutPreemptively(Duration.ofSeconds(30),
        () -> assertThrows(PrometheusApiException.class, basic::runtimeInfo));
    PrometheusApiException tooLarge = assertThrows(PrometheusApiException.class,
        bearer::loadedConfig);

    assertEquals("cannot send GET /api/v1/status/runtimeinfo to prometheus at \"" + uri()
        + "\": the password file \"" + fifo + "\" is not a regular file", notAFile.getMessage());
    assertEquals("cannot send GET /api/v1/status/config to prometheus at \"" + uri()
        + "\": the bearer token file \"" + token + "\" is larger than 65536 bytes, found 65537 "
        + "bytes", tooLarge.getMessage());
    assertEquals(0, server.getRequestCount());
  }

  @Test
  void aTooLargeCredentialsFileCutInsideACharacterIsSaidToBeTooLarge() throws IOException {
    // the first 65537 bytes read end with the first byte of a two-byte character
    Path token = Files.writeString(temp.resolve("token"), "t".repeat(64 * 1024) + "\u00e9");
    HttpPrometheusControl bearer = control(settings()
        .authentication(Authentication.bearerFromFile(token)).build());

    PrometheusApiException tooLarge = assertThrows(PrometheusApiException.class,
        bearer::loadedConfig);

    assertEquals("cannot send GET /api/v1/status/config to prometheus at \"" + uri()
        + "\": the bearer token file \"" + token + "\" is larger than 65536 bytes, found 65538 "
        + "bytes", tooLarge.getMessage());
    assertEquals(0, server.getRequestCount());
  }

  /**
   * A header cannot carry a token with a line break (a second token appended to the file) or a
   * control character, and the http client refuses it with an error quoting the whole value:
   * the call fails naming the file, never the token, and sends nothing.
   */
  @Test
  void aBearerTokenFileWithALineBreakOrAControlCharacterInsideFailsTheCallWithoutShowingIt()
      throws IOException {
    Path token = temp.resolve("token");
    HttpPrometheusControl control = control(settings()
        .authentication(Authentication.bearerFromFile(token)).build());
    for (String content : List.of("tok-123\ntok-456\n", "tok-123\u0007\n", "tok-123\u00e9")) {
      Files.writeString(token, content);

      PrometheusApiException e = assertThrows(PrometheusApiException.class,
          control::loadedConfig);

      assertEquals(0, e.statusCode(), content);
      assertEquals("cannot send GET /api/v1/status/config to prometheus at \"" + uri()
          + "\": the bearer token file \"" + token + "\" holds a line break, a control "
          + "character other than a tab or a character outside ASCII, which a token cannot have "
          + "(one token, on one line)", e.getMessage());
    }
    assertEquals(0, server.getRequestCount());
  }

  /** Given as it is, such a token is refused at once, without showing it. */
  @Test
  void aBearerTokenWithALineBreakInsideIsRefusedWithoutShowingIt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Authentication.bearer(Secret.of("tok-123\ntok-456")));

    assertEquals("the bearer token holds a line break, a control character other than a tab "
        + "or a character outside ASCII, which a token cannot have (one token, on one line)",
        e.getMessage());
  }

  /** A password goes base64-encoded: a line break inside is sent as it is, never refused. */
  @Test
  void aPasswordWithALineBreakInsideIsSentBase64Encoded() throws Exception {
    Path password = Files.writeString(temp.resolve("password"), "s3c\nret\n");
    server.enqueue(answer(200, RUNTIMEINFO));

    control(settings().authentication(Authentication.basicFromFile("promcc", password)).build())
        .runtimeInfo();

    assertEquals(basic("promcc:s3c\nret"), take().getHeaders().get("Authorization"));
  }

  @Test
  void credentialsFromAFileAreNamedByTheFileNeverByTheSecret() throws IOException {
    Path password = Files.writeString(temp.resolve("password"), "s3cret");
    Path token = Files.writeString(temp.resolve("token"), "tok-123");
    Authentication basic = Authentication.basicFromFile("promcc", password);
    HttpPrometheusControl control = control(settings().authentication(basic).build());
    server.enqueue(answer(401, UNAUTHORIZED));

    PrometheusApiException e = assertThrows(PrometheusApiException.class,
        control::loadedConfig);

    assertEquals("basic auth as \"promcc\" with the password in \"" + password + "\"",
        basic.toString());
    assertEquals("bearer token in \"" + token + "\"",
        Authentication.bearerFromFile(token).toString());
    assertEquals("prometheus at \"" + uri() + "\" refused the credentials (" + basic + "): "
        + "GET /api/v1/status/config answered status 401: \"Unauthorized\"", e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Authentication.basicFromFile("prom:cc", password));
  }
}
