package io.promcc.app.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.promcc.core.model.Problems;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Vault token and AppRole secret ID files are checked at start as the Prometheus secret
 * files are: a missing, unreadable, empty or too large one is refused naming the option and the
 * file, never what it holds.
 */
class VaultOptionsTest {
  private static final String SECRET = "hvs.never-shown";

  @TempDir Path temp;
  private Problems problems;

  private RunSettings load(String... flags) throws IOException {
    problems = new Problems("settings");
    Map<String, String> given = new TreeMap<>(Map.of("out", temp.resolve("out").toString(),
        "clusters", Files.writeString(temp.resolve("clusters.yml"), "[]\n").toString(),
        "certificates", "vault", "vault-address", "https://vault.example:8200"));
    for (int i = 0; i < flags.length; i += 2) {
      given.put(flags[i], flags[i + 1]);
    }
    return SettingsLoader.load(RunSettings.TABLE, given, Map.of(), problems);
  }

  private void assertProblems(String... expected) {
    assertEquals(List.of(expected), problems.list());
    assertFalse(problems.list().toString().contains(SECRET), problems.list().toString());
  }

  @Test
  void anEmptyTokenOrSecretIdFileIsRefusedAtStartNamingTheOptionAndTheFile()
      throws IOException {
    Path empty = Files.writeString(temp.resolve("empty"), " \n");

    assertNull(load("vault-token-file", empty.toString()));
    assertProblems("--vault-token-file must not be empty (it holds the vault token), found \""
        + empty + "\"");

    assertNull(load("vault-auth", "approle", "vault-role-id", "role-1",
        "vault-secret-id-file", empty.toString()));
    assertProblems("--vault-secret-id-file must not be empty (it holds the approle secret id), "
        + "found \"" + empty + "\"");
  }

  @Test
  void aTokenOrSecretIdFileLargerThanAnyTokenIsRefusedAtStart() throws IOException {
    Path large = Files.writeString(temp.resolve("large"), SECRET + "t".repeat(64 * 1024));

    assertNull(load("vault-token-file", large.toString()));
    assertProblems("--vault-token-file must be at most 65536 bytes (it holds the vault token), "
        + "found \"" + large + "\"");

    assertNull(load("vault-auth", "approle", "vault-role-id", "role-1",
        "vault-secret-id-file", large.toString()));
    assertProblems("--vault-secret-id-file must be at most 65536 bytes (it holds the approle "
        + "secret id), found \"" + large + "\"");
  }

  @Test
  void aTokenOrSecretIdFileThatIsNotUtf8IsRefusedAtStartAsEveryLoginWouldFail()
      throws IOException {
    byte[] secret = (SECRET + "\n").getBytes(StandardCharsets.UTF_8);
    byte[] bytes = Arrays.copyOf(secret, secret.length + 1);
    bytes[secret.length] = (byte) 0xff;
    Path latin = Files.write(temp.resolve("latin"), bytes);

    assertNull(load("vault-token-file", latin.toString()));
    assertProblems("--vault-token-file must be UTF-8 text (it holds the vault token), found \""
        + latin + "\"");

    assertNull(load("vault-auth", "approle", "vault-role-id", "role-1",
        "vault-secret-id-file", latin.toString()));
    assertProblems("--vault-secret-id-file must be UTF-8 text (it holds the approle secret id), "
        + "found \"" + latin + "\"");
  }

  /**
   * The adapter refuses such a token at the first login (a header cannot carry it, and the http
   * client's error would quote it): refused at start instead, with the other settings.
   */
  @Test
  void aTokenFileWithALineBreakOrAControlCharacterInsideIsRefusedAtStart() throws IOException {
    Path appended = Files.writeString(temp.resolve("appended"), SECRET + "\n" + SECRET + "\n");
    Path bell = Files.writeString(temp.resolve("bell"), SECRET + "\u0007\n");
    Path accented = Files.writeString(temp.resolve("accented"), SECRET + "\u00e9\n");

    for (Path token : List.of(appended, bell, accented)) {
      assertNull(load("vault-token-file", token.toString()), token.toString());
      assertProblems("--vault-token-file must hold one token on one line, without a control "
          + "character or a character outside ASCII (it holds the vault token), found \""
          + token + "\"");
    }
  }

  @Test
  void aMissingOrNonRegularTokenFileIsRefusedAtStart() throws IOException {
    Path missing = temp.resolve("missing");

    assertNull(load("vault-token-file", missing.toString()));
    assertProblems("--vault-token-file must be a readable file, found \"" + missing + "\"");

    assertNull(load("vault-auth", "approle", "vault-role-id", "role-1",
        "vault-secret-id-file", temp.toString()));
    assertProblems("--vault-secret-id-file must be a readable file, found \"" + temp + "\"");
  }

  @Test
  void aCaBundleLargerThanTheConnectionReadsIsRefusedAtStartNamingTheOption()
      throws IOException {
    Path token = Files.writeString(temp.resolve("token"), SECRET + "\n");
    Path large = Files.writeString(temp.resolve("ca.pem"), "#".repeat((1 << 20) + 1));

    assertNull(load("vault-token-file", token.toString(), "vault-ca-bundle", large.toString()));
    assertProblems("--vault-ca-bundle must be at most 1048576 bytes, found \"" + large + "\"");

    assertNull(load("vault-token-file", token.toString(), "vault-ca-bundle", temp.toString()));
    assertProblems("--vault-ca-bundle must be a readable file, found \"" + temp + "\"");
  }

  @Test
  void aServiceAccountTokenFileMayAppearAfterTheStart() throws IOException {
    Path later = temp.resolve("projected/token");

    assertNotNull(load("vault-auth", "kubernetes", "vault-kubernetes-role", "promcc",
        "vault-jwt-file", later.toString()));
    assertProblems();
  }

  @Test
  void aTokenAndASecretIdFileWithASecretAreTaken() throws IOException {
    Path token = Files.writeString(temp.resolve("token"), SECRET + "\n");

    assertNotNull(load("vault-token-file", token.toString()));
    assertNotNull(load("vault-auth", "approle", "vault-role-id", "role-1",
        "vault-secret-id-file", token.toString()));
    assertProblems();
  }
  /**
   * The adapter names its own fields (vault address, allowInsecureHttp, certificate ttl...): a
   * user is shown the options instead, as every other settings problem names its origin.
   */
  @Test
  void anAddressThatIsNotHttpsIsRefusedNamingTheOptions() throws IOException {
    Path token = Files.writeString(temp.resolve("token"), SECRET + "\n");

    assertNull(load("vault-token-file", token.toString(),
        "vault-address", "http://vault.example:8200"));
    assertProblems("--vault-address must use https, as http sends the vault token in clear "
        + "text (--vault-allow-insecure-http is for tests only), found "
        + "\"http://vault.example:8200\"");

    assertNull(load("vault-token-file", token.toString(), "vault-address", "ftp://vault"));
    assertProblems("--vault-address must be an https url with a host, without query or "
        + "fragment, found \"ftp://vault\"");

    assertNull(load("vault-token-file", token.toString(), "vault-address", "https://a b"));
    assertProblems("--vault-address is not a valid url, found \"https://a b\"");

    assertNull(load("vault-token-file", token.toString(),
        "vault-address", "https://user:pw@vault.example"));
    assertProblems("--vault-address must not contain user information (credentials belong in "
        + "files or environment variables), found \"https://<redacted>@vault.example\"");
  }

  @Test
  void everyOtherVaultSettingTheAdapterRefusesIsNamedByItsOption() throws IOException {
    Path token = Files.writeString(temp.resolve("token"), SECRET + "\n");

    assertNull(load("vault-token-file", token.toString(), "vault-namespace", "a b",
        "vault-pki-mount", "pki-{id}", "vault-pki-role", "a/b", "vault-common-name", "a b",
        "vault-alt-names", "ok.example,a b", "vault-ttl", "30s",
        "vault-max-concurrent-requests", "0"));
    assertProblems(
        "--vault-namespace must be path segments of letters, digits, '_', '-' and '.', found "
            + "\"a b\"",
        "--vault-pki-mount has an unknown placeholder \"{id}\" (known: {cluster}), found "
            + "\"pki-{id}\"",
        "--vault-pki-role must expand to one path segment of letters, digits, '_', '-' and '.', "
            + "found \"a/b\"",
        "--vault-common-name must expand to a dns name, found \"a b\"",
        "--vault-alt-names must expand to a dns name, found \"a b\"",
        "--vault-ttl must be at least 1m, found \"30s\"",
        "--vault-max-concurrent-requests must be between 1 and 256, found \"0\"");
  }

  @Test
  void anAuthMountOrRoleTheAdapterRefusesIsNamedByItsOption() throws IOException {
    Path secretId = Files.writeString(temp.resolve("secret-id"), SECRET + "\n");

    assertNull(load("vault-auth", "kubernetes", "vault-kubernetes-role", " ",
        "vault-kubernetes-mount", "a b"));
    assertProblems(
        "--vault-kubernetes-mount must be path segments of letters, digits, '_', '-' and '.', "
            + "found \"a b\"",
        "--vault-kubernetes-role must not be empty, found \" \"");

    assertNull(load("vault-auth", "approle", "vault-role-id", " ",
        "vault-secret-id-file", secretId.toString(), "vault-approle-mount", "a b"));
    assertProblems(
        "--vault-approle-mount must be path segments of letters, digits, '_', '-' and '.', "
            + "found \"a b\"",
        "--vault-role-id must not be empty, found \" \"");
  }

  @Test
  void aProblemOfAValueFromTheEnvironmentNamesTheVariable() throws IOException {
    Path token = Files.writeString(temp.resolve("token"), SECRET + "\n");
    problems = new Problems("settings");
    Map<String, String> given = new TreeMap<>(Map.of("out", temp.resolve("out").toString(),
        "clusters", Files.writeString(temp.resolve("clusters.yml"), "[]\n").toString(),
        "certificates", "vault", "vault-token-file", token.toString()));

    assertNull(SettingsLoader.load(RunSettings.TABLE, given,
        Map.of("PROMCC_VAULT_ADDRESS", "http://vault.example:8200"), problems));
    assertProblems("PROMCC_VAULT_ADDRESS must use https, as http sends the vault token in "
        + "clear text (--vault-allow-insecure-http is for tests only), found "
        + "\"http://vault.example:8200\"");
  }
}
