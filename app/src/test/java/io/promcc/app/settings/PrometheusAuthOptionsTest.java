package io.promcc.app.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.promcc.core.model.Problems;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Credentials for a Prometheus whose web endpoints ask for them: basic auth as a user with the
 * password in a file, or a bearer token in a file; never the secret itself. Every problem is
 * named with the option and the file, never with what the file holds.
 */
class PrometheusAuthOptionsTest {
  private static final String SECRET = "s3cret-never-shown";

  @TempDir Path temp;
  private Path password;
  private Path token;
  private Problems problems;

  @BeforeEach
  void files() throws IOException {
    password = Files.writeString(temp.resolve("password"), SECRET + "\n");
    token = Files.writeString(temp.resolve("token"), SECRET);
  }

  /** Loads the settings afresh: {@link #problems} holds only this load's. */
  private RunSettings load(Map<String, String> env, String... flags) throws IOException {
    problems = new Problems("settings");
    Map<String, String> given = new TreeMap<>(Map.of("out", temp.resolve("out").toString(),
        "clusters", Files.writeString(temp.resolve("clusters.yml"), "[]\n").toString(),
        "prometheus-url", "http://127.0.0.1:9090"));
    for (int i = 0; i < flags.length; i += 2) {
      if (flags[i + 1] == null) {
        given.remove(flags[i]);
      } else {
        given.put(flags[i], flags[i + 1]);
      }
    }
    return SettingsLoader.load(RunSettings.TABLE, given, env, problems);
  }

  private void assertProblems(String... expected) {
    assertEquals(List.of(expected), problems.list());
    assertFalse(problems.list().toString().contains(SECRET), problems.list().toString());
  }

  @Test
  void basicAuthIsAUserWithThePasswordInAFileFromFlagsOrTheEnvironment() throws IOException {
    RunSettings flags = load(Map.of(), "prometheus-basic-auth-user", "promcc",
        "prometheus-password-file", password.toString());
    assertProblems();
    RunSettings env = load(Map.of("PROMCC_PROMETHEUS_BASIC_AUTH_USER", "promcc",
        "PROMCC_PROMETHEUS_PASSWORD_FILE", password.toString()));

    assertProblems();
    assertEquals(Optional.of(new PrometheusCredentials.BasicAuth("promcc", password)),
        flags.prometheusCredentials());
    assertEquals(flags, env);
    assertEquals("basic auth as \"promcc\" with the password in \"" + password + "\"",
        flags.prometheusCredentials().orElseThrow().authentication().toString());
    assertFalse(flags.toString().contains(SECRET), flags.toString());
  }

  @Test
  void aBearerTokenIsAFile() throws IOException {
    RunSettings settings = load(Map.of(), "prometheus-bearer-token-file", token.toString());

    assertProblems();
    assertEquals(Optional.of(new PrometheusCredentials.BearerToken(token)),
        settings.prometheusCredentials());
    assertEquals("RunSettings{clusters=" + temp.resolve("clusters.yml")
        + ", certificates=local-ca, out=" + temp.resolve("out") + ", prometheus="
        + "http://127.0.0.1:9090 (bearer token in \"" + token + "\"), shard=all}",
        settings.toString());
  }

  @Test
  void withoutCredentialsNoneAreSent() throws IOException {
    assertEquals(Optional.empty(), load(Map.of()).prometheusCredentials());
    assertProblems();
  }

  @Test
  void aUserWithoutAPasswordFileAndAPasswordFileWithoutAUserAreRefused() throws IOException {
    assertNull(load(Map.of(), "prometheus-basic-auth-user", "promcc"));
    assertProblems("--prometheus-basic-auth-user needs --prometheus-password-file (the password "
        + "is read only from a file), found \"promcc\"");

    assertNull(load(Map.of(), "prometheus-password-file", password.toString()));
    assertProblems("--prometheus-password-file needs --prometheus-basic-auth-user, found \""
        + password + "\"");
  }

  @Test
  void basicAuthAndABearerTokenTogetherAreRefused() throws IOException {
    assertNull(load(Map.of("PROMCC_PROMETHEUS_BASIC_AUTH_USER", "promcc"),
        "prometheus-password-file", password.toString(),
        "prometheus-bearer-token-file", token.toString()));

    assertProblems("--prometheus-bearer-token-file cannot be combined with "
        + "PROMCC_PROMETHEUS_BASIC_AUTH_USER: choose basic auth or a bearer token, found \""
        + token + "\"");
  }

  @Test
  void aMissingUnreadableOrEmptyFileIsRefusedNamingTheOptionAndTheFile() throws IOException {
    Path missing = temp.resolve("missing");
    Path empty = Files.writeString(temp.resolve("empty"), " \n");

    assertNull(load(Map.of(), "prometheus-basic-auth-user", "promcc",
        "prometheus-password-file", missing.toString()));
    assertProblems("--prometheus-password-file must be a readable file, found \"" + missing
        + "\"");

    assertNull(load(Map.of(), "prometheus-bearer-token-file", empty.toString()));
    assertProblems("--prometheus-bearer-token-file must not be empty (it holds the bearer "
        + "token), found \"" + empty + "\"");

    assertNull(load(Map.of(), "prometheus-bearer-token-file", temp.toString()));
    assertProblems("--prometheus-bearer-token-file must be a readable file, found \"" + temp
        + "\"");
  }

  @Test
  void aFileLargerThanAnyPasswordOrTokenIsRefusedWithoutReadingItWhole() throws IOException {
    Path large = Files.writeString(temp.resolve("large"), "t".repeat(64 * 1024 + 1));

    assertNull(load(Map.of(), "prometheus-bearer-token-file", large.toString()));
    assertProblems("--prometheus-bearer-token-file must be at most 65536 bytes (it holds the "
        + "bearer token), found \"" + large + "\"");
  }

  @Test
  void aFileThatIsNotUtf8IsRefusedAtStartAsEveryRequestWouldFail() throws IOException {
    byte[] secret = (SECRET + "\n").getBytes(StandardCharsets.UTF_8);
    byte[] bytes = Arrays.copyOf(secret, secret.length + 1);
    bytes[secret.length] = (byte) 0xff;
    Path latin = Files.write(temp.resolve("latin"), bytes);

    assertNull(load(Map.of(), "prometheus-basic-auth-user", "promcc",
        "prometheus-password-file", latin.toString()));
    assertProblems("--prometheus-password-file must be UTF-8 text (it holds the password), "
        + "found \"" + latin + "\"");

    assertNull(load(Map.of(), "prometheus-bearer-token-file", latin.toString()));
    assertProblems("--prometheus-bearer-token-file must be UTF-8 text (it holds the bearer "
        + "token), found \"" + latin + "\"");
  }

  /**
   * A header cannot carry a token with a line break (a second token appended) or a control
   * character, and each request would fail: refused at start. A password goes base64-encoded.
   */
  @Test
  void aTokenFileWithALineBreakOrAControlCharacterInsideIsRefusedAtStart() throws IOException {
    Path appended = Files.writeString(temp.resolve("appended"), SECRET + "\n" + SECRET + "\n");
    Path bell = Files.writeString(temp.resolve("bell"), SECRET + "\u0007\n");
    Path accented = Files.writeString(temp.resolve("accented"), SECRET + "\u00e9\n");

    for (Path file : List.of(appended, bell, accented)) {
      assertNull(load(Map.of(), "prometheus-bearer-token-file", file.toString()));
      assertProblems("--prometheus-bearer-token-file must hold one token on one line, without "
          + "a control character other than a tab or a character outside ASCII (it holds the "
          + "bearer token), "
          + "found \"" + file + "\"");
    }
    load(Map.of(), "prometheus-basic-auth-user", "promcc", "prometheus-password-file",
        appended.toString());
    assertProblems();
  }

  /** A tab inside a token is one a header carries (the http client sends it): accepted. */
  @Test
  void aTokenFileWithATabInsideIsAccepted() throws IOException {
    Path tab = Files.writeString(temp.resolve("tab"), "tok\t123\n");

    RunSettings settings = load(Map.of(), "prometheus-bearer-token-file", tab.toString());

    assertProblems();
    assertEquals(Optional.of(new PrometheusCredentials.BearerToken(tab)),
        settings.prometheusCredentials());
  }

  /**
   * A user with ':' is refused without the value: what follows it may be a password pasted
   * with the user ({@code user:password}), and the problem goes to the log.
   */
  @Test
  void aUserWithAColonIsRefusedWithoutShowingIt() throws IOException {
    String user = "promcc:" + SECRET;
    assertNull(load(Map.of(), "prometheus-basic-auth-user", user,
        "prometheus-password-file", password.toString()));
    assertProblems("--prometheus-basic-auth-user must not contain ':' (basic auth puts it "
        + "between the user and the password; the value is not shown)");

    assertNull(load(Map.of(), "prometheus-url", null, "prometheus-basic-auth-user", user,
        "prometheus-password-file", password.toString()));
    assertProblems("--prometheus-basic-auth-user is only read with --prometheus-url",
        "--prometheus-password-file is only read with --prometheus-url, found \"" + password
            + "\"");
  }

  /**
   * A user with a line break or another control character inside was taken: basic auth takes
   * none (RFC 7617), and the name is logged with the credentials. Refused at start, without
   * the value (what follows a line break may be a password pasted with it). A name outside
   * ASCII goes base64-encoded as UTF-8, as Prometheus reads it: taken.
   */
  @Test
  void aUserWithALineBreakOrAControlCharacterIsRefusedWithoutShowingIt() throws IOException {
    for (String user : List.of("promcc\n" + SECRET, "prom\rcc", "prom\tcc", "prom\u0000cc",
        "prom\u007fcc", "prom\u0085cc")) {
      assertNull(load(Map.of(), "prometheus-basic-auth-user", user,
          "prometheus-password-file", password.toString()), user);
      assertProblems("--prometheus-basic-auth-user must not contain a line break or another "
          + "control character (basic auth takes none; the value is not shown)");
    }
    RunSettings accented = load(Map.of(), "prometheus-basic-auth-user", "j\u00f6rg",
        "prometheus-password-file", password.toString());
    assertProblems();
    assertEquals(Optional.of(new PrometheusCredentials.BasicAuth("j\u00f6rg", password)),
        accented.prometheusCredentials());
  }

  /**
   * The user's other problems showed what the control character refusal hides: without a
   * password file, or without a Prometheus URL, the problem quoted the user, and with it the
   * password pasted after its line break.
   */
  @Test
  void aUserWithALineBreakIsNotShownByItsOtherProblems() throws IOException {
    String user = "promcc\n" + SECRET;
    assertNull(load(Map.of(), "prometheus-basic-auth-user", user));
    assertProblems("--prometheus-basic-auth-user must not contain a line break or another "
            + "control character (basic auth takes none; the value is not shown)",
        "--prometheus-basic-auth-user needs --prometheus-password-file (the password is read "
            + "only from a file)");

    assertNull(load(Map.of(), "prometheus-url", null, "prometheus-basic-auth-user", user,
        "prometheus-password-file", password.toString()));
    assertProblems("--prometheus-basic-auth-user is only read with --prometheus-url",
        "--prometheus-password-file is only read with --prometheus-url, found \"" + password
            + "\"");
  }

  @Test
  void credentialsWithoutAPrometheusUrlAreRefused() throws IOException {
    assertNull(load(Map.of(), "prometheus-url", null, "prometheus-basic-auth-user", "promcc",
        "prometheus-password-file", password.toString()));

    assertProblems("--prometheus-basic-auth-user is only read with --prometheus-url, found "
            + "\"promcc\"",
        "--prometheus-password-file is only read with --prometheus-url, found \"" + password
            + "\"");
  }
}
