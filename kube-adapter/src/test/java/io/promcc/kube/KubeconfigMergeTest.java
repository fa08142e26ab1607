package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kubernetes.client.openapi.apis.VersionApi;
import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.FakeRequest;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code KUBECONFIG} naming several files is merged by client-go's loading rules
 * ({@code ClientConfigLoadingRules.Load}): for clusters, users and contexts the first file to
 * define a name wins, {@code current-context} comes from the first file that sets one, missing
 * files and empty entries are skipped, a file named twice is read once, and relative paths are
 * resolved against the folder of the file that names them. Each file is still judged on its own
 * (a FIFO, a file that is no YAML, an empty one), and the start's line names the files merged.
 */
class KubeconfigMergeTest {
  @TempDir Path temp;

  private ApiServerConfig find(String variable) {
    return ApiServerLookup.find(Optional.empty(), ClientLookup.of(Map.of("KUBECONFIG",
        variable), temp.resolve("sa")));
  }

  private static String list(Path... files) {
    StringBuilder joined = new StringBuilder();
    for (Path file : files) {
      joined.append(joined.length() == 0 ? "" : File.pathSeparator).append(file);
    }
    return joined.toString();
  }

  private Path write(String name, String yaml) throws Exception {
    Path file = temp.resolve(name);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, yaml);
  }

  @Test
  void theFirstFileToDefineAClusterAUserOrAContextWins() throws Exception {
    try (FakeKubeApi api = FakeKubeApi.start()) {
      String ca = b64(api.ca().certificatePem());
      Path first = write("first", """
          contexts: [{name: a, context: {cluster: c, user: u}}]
          current-context: a
          clusters: [{name: c, cluster: {server: "%s", certificate-authority-data: %s}}]
          """.formatted(api.url(), ca));
      Path second = write("second", """
          contexts: [{name: a, context: {cluster: other, user: other}}]
          clusters: [{name: c, cluster: {server: "https://second.example:6443"}}]
          users: [{name: u, user: {token: from-second}}]
          """);
      Path third = write("third", """
          users: [{name: u, user: {token: from-third}}]
          """);

      ApiServerConfig config = find(list(first, second, third));
      new VersionApi(config.build()).getCode().execute();

      assertEquals(api.url().toString(), config.server());
      assertEquals(Optional.of("Bearer from-second"),
          api.requests().get(api.requests().size() - 1).header("Authorization"));
    }
  }

  /** client-go takes the first file's entry whole: a later entry of its name adds nothing. */
  @Test
  void aLaterFilesEntryOfTheSameNameAddsNoField() throws Exception {
    try (FakeKubeApi api = FakeKubeApi.builder().clientAuth(FakeKubeApi.ClientAuth.WANT)
        .start()) {
      Path first = write("first", """
          contexts: [{name: a, context: {cluster: c, user: u}}]
          current-context: a
          clusters: [{name: c, cluster: {server: "%s", certificate-authority-data: %s}}]
          users: [{name: u, user: {token: from-first}}]
          """.formatted(api.url(), b64(api.ca().certificatePem())));
      Path second = write("second", """
          users: [{name: u, user: {client-certificate-data: %s, client-key-data: %s}}]
          """.formatted(b64(api.adminCertificate().certificatePem()),
          b64(api.adminCertificate().privateKeyPem())));

      new VersionApi(find(list(first, second)).build()).getCode().execute();

      FakeRequest request = api.requests().get(api.requests().size() - 1);
      assertEquals(Optional.of("Bearer from-first"), request.header("Authorization"));
      assertEquals(Optional.empty(), request.clientCommonName());
    }
  }

  @Test
  void theCurrentContextComesFromTheFirstFileThatSetsOne() throws Exception {
    Path first = write("first", """
        clusters: [{name: b, cluster: {server: "https://b.example:6443"}},
          {name: c, cluster: {server: "https://c.example:6443"}}]
        """);
    Path second = write("second", """
        contexts: [{name: b, context: {cluster: b}}, {name: c, context: {cluster: c}}]
        current-context: b
        """);
    Path third = write("third", "current-context: c\n");

    ApiServerConfig config = find(list(first, second, third));

    assertEquals("https://b.example:6443", config.server());
    assertEquals("from KUBECONFIG " + q(first) + " merged with " + q(second) + ", " + q(third)
        + " (context \"b\")", config.source());
  }

  @Test
  void missingFilesAndEmptyEntriesAreSkippedAndAFileNamedTwiceIsReadOnce() throws Exception {
    Path file = write("config", KUBECONFIG);
    Path gone = temp.resolve("gone");

    ApiServerConfig config = find(File.pathSeparator + gone + File.pathSeparator + file
        + File.pathSeparator + File.pathSeparator + file);

    assertEquals("https://api.example:6443", config.server());
    assertEquals("from KUBECONFIG " + q(file) + " (context \"a\"; " + q(gone)
        + " does not exist)", config.source());
  }

  @Test
  void aVariableOfOnlyMissingFilesAndEmptyEntriesFallsBackToTheHomeFileAndSaysSo()
      throws Exception {
    Path home = Files.createDirectories(temp.resolve("home/.kube")).getParent();
    Path gone = temp.resolve("gone");
    Map<String, String> env = Map.of("KUBECONFIG", File.pathSeparator + gone
        + File.pathSeparator + temp.resolve("also-gone"), "HOME", home.toString());

    KubeClientException none = assertThrows(KubeClientException.class,
        () -> ApiServerLookup.find(Optional.empty(), ClientLookup.of(env, temp.resolve("sa"))));

    assertEquals("no kubernetes api configuration found: --kubeconfig is not set, KUBECONFIG "
        + q(gone) + ", " + q(temp.resolve("also-gone")) + " do not exist, "
        + q(home.resolve(".kube/config")) + " (~/.kube/config) does not exist, and "
        + "KUBERNETES_SERVICE_HOST is not set (no in-cluster service account); give "
        + "--kubeconfig, or run promcc in a Pod with a service account", none.getMessage());
  }

  /**
   * A cluster's CA from one folder and a user's token file from another, each named relative
   * to its own kubeconfig, as client-go's {@code ResolveLocalPaths} resolves them.
   */
  @Test
  void relativePathsAreResolvedAgainstTheFolderOfTheFileThatNamesThem() throws Exception {
    try (FakeKubeApi api = FakeKubeApi.start()) {
      Files.createDirectories(temp.resolve("one"));
      Files.createDirectories(temp.resolve("two"));
      Files.writeString(temp.resolve("one/ca.crt"), api.ca().certificatePem());
      Files.writeString(temp.resolve("two/token"), "from-two");
      Path first = write("one/config", """
          contexts: [{name: a, context: {cluster: c, user: u}}]
          current-context: a
          clusters: [{name: c, cluster: {server: "%s", certificate-authority: ca.crt}}]
          """.formatted(api.url()));
      Path second = write("two/config", "users: [{name: u, user: {tokenFile: token}}]\n");

      new VersionApi(find(list(first, second)).build()).getCode().execute();

      assertEquals(Optional.of("Bearer from-two"),
          api.requests().get(api.requests().size() - 1).header("Authorization"));
    }
  }

  /**
   * A relative {@code tokenFile} of a kubeconfig read alone is read from that file's folder, as
   * client-go reads it and as promcc reads it in a merge, not from the working folder (where
   * client-java looks): adding a second file to {@code KUBECONFIG} never changes the token.
   */
  @Test
  void aRelativeTokenFileOfAFileReadAloneIsReadFromItsFolder() throws Exception {
    try (FakeKubeApi api = FakeKubeApi.start()) {
      Files.createDirectories(temp.resolve("one"));
      Files.writeString(temp.resolve("one/token"), "from-one");
      Path alone = write("one/config", """
          contexts: [{name: a, context: {cluster: c, user: u}}]
          current-context: a
          clusters: [{name: c, cluster: {server: "%s", certificate-authority-data: %s}}]
          users: [{name: u, user: {tokenFile: token}}]
          """.formatted(api.url(), b64(api.ca().certificatePem())));

      new VersionApi(find(list(alone)).build()).getCode().execute();
      new VersionApi(ApiServerLookup.find(Optional.of(alone), ClientLookup.of(Map.of()))
          .build()).getCode().execute();

      assertEquals(Optional.of("Bearer from-one"), api.requests().get(0).header("Authorization"));
      assertEquals(Optional.of("Bearer from-one"), api.requests().get(1).header("Authorization"));
    }
  }

  @Test
  void eachFileIsJudgedOnItsOwnAndNamed() throws Exception {
    Path good = write("good", KUBECONFIG);
    Path notYaml = write("not-yaml", "clusters: [unclosed\n");
    Path fifo = temp.resolve("fifo");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assumeTrue(mkfifo.waitFor(30, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "no mkfifo");

    assertEquals("kubeconfig " + q(notYaml) + " (from KUBECONFIG) is not a kubeconfig: "
        + "while parsing a flow sequence", refusal(list(good, notYaml)).getMessage());
    KubeClientException fromFifo = assertTimeoutPreemptively(Duration.ofSeconds(30),
        () -> refusal(list(good, fifo)));
    assertEquals("kubeconfig " + q(fifo) + " (from KUBECONFIG) is not a regular file",
        fromFifo.getMessage());
  }

  /**
   * An empty file among several adds nothing, as client-go loads an empty file as an empty
   * config, and the start's line names it; only a merge of files that are all empty is
   * refused, naming each.
   */
  @Test
  void anEmptyFileAmongSeveralAddsNothingAndIsNamed() throws Exception {
    Path empty = write("empty", "");
    Path comments = write("comments", "# nothing yet\n");
    Path good = write("good", KUBECONFIG);

    ApiServerConfig config = find(list(empty, good, comments));

    assertEquals("https://api.example:6443", config.server());
    assertEquals("from KUBECONFIG " + q(good) + " (context \"a\"; " + q(empty) + ", "
        + q(comments) + " are empty)", config.source());
    assertEquals("kubeconfig " + q(empty) + " merged with " + q(comments) + " (from KUBECONFIG) "
        + "is not a kubeconfig: each of its files is empty",
        refusal(list(empty, comments)).getMessage());
  }

  @Test
  void aMergeWithoutCurrentContextOrWithoutItsContextNamesEveryFile() throws Exception {
    Path first = write("first", KUBECONFIG.replace("current-context: a\n", ""));
    Path second = write("second", "users: [{name: v, user: {token: t}}]\n");
    Path third = write("third", "current-context: b\n");

    assertEquals("kubeconfig " + q(first) + " merged with " + q(second) + " (from KUBECONFIG) "
        + "has no current-context", refusal(list(first, second)).getMessage());
    assertEquals("kubeconfig " + q(first) + " merged with " + q(third) + " (from KUBECONFIG) "
        + "names current-context \"b\", which is not one of its contexts (\"a\")",
        refusal(list(first, third)).getMessage());
  }

  private KubeClientException refusal(String variable) {
    return assertThrows(KubeClientException.class, () -> find(variable));
  }

  private static String q(Path file) {
    return "\"" + file + "\"";
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
  }

  /** A kubeconfig of one cluster, user and context, its current one. */
  private static final String KUBECONFIG = ApiServerLookupTest.KUBECONFIG;
}
