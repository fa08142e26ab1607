package io.promcc.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.common.net.HostAndPort;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class GuestClusterTest {
  private static final String CLUSTER = "cluster \"c1\"";

  @Test
  void buildsAClusterWithoutLabelsOrEtcd() {
    GuestCluster cluster = GuestCluster.of("c1", "aws", "https://api.c1.example.com:6443");
    assertEquals(ClusterId.of("c1"), cluster.id());
    assertEquals(URI.create("https://api.c1.example.com:6443"), cluster.apiServer());
    assertEquals(Map.of(), cluster.labels());
    assertEquals(Optional.empty(), cluster.etcd());
  }

  @Test
  void apiServerAddressDefaultsToTheSchemesPort() {
    assertEquals("h:443", GuestCluster.of("c1", "aws", "https://h").apiServerAddress());
    assertEquals("h:80", GuestCluster.of("c1", "aws", "http://h/").apiServerAddress());
    assertEquals("h:6443", GuestCluster.of("c1", "aws", "https://h:6443").apiServerAddress());
    assertEquals("[::1]:6443",
        GuestCluster.of("c1", "aws", "https://[::1]:6443").apiServerAddress());
  }

  @Test
  void copiesAndSortsLabels() {
    Map<String, String> labels = new TreeMap<>(Map.of("b", "2", "a", "1"));
    GuestCluster cluster = GuestCluster.of("c1", "aws", "https://h").withLabels(labels);
    labels.put("c", "3");
    assertEquals(Map.of("a", "1", "b", "2"), cluster.labels());
    assertEquals("a", cluster.labels().firstKey());
  }

  @Test
  void keepsTheEtcdEndpoint() {
    GuestCluster cluster = GuestCluster.of("c1", "aws", "https://h").withEtcd("etcd.c1:2379");
    assertEquals(Optional.of(HostAndPort.fromParts("etcd.c1", 2379)), cluster.etcd());
  }

  @Test
  void rejectsAnEmptyProvider() {
    assertMessage("provider of " + CLUSTER + " must not be empty, found \"\"",
        () -> GuestCluster.of("c1", "", "https://h"));
  }

  @Test
  void rejectsAProviderWithANewline() {
    assertMessage("provider of " + CLUSTER
        + " must not contain control characters, found \"a\\nb\"",
        () -> GuestCluster.of("c1", "a\nb", "https://h"));
  }

  @Test
  void rejectsAnApiServerThatIsNotHttp() {
    assertMessage("api server of " + CLUSTER
        + " must be an http or https url, found \"ftp://h\"",
        () -> GuestCluster.of("c1", "aws", "ftp://h"));
  }

  @Test
  void rejectsAnApiServerWithoutHost() {
    assertMessage("api server of " + CLUSTER
        + " needs a host name, found \"https:/x\"", () -> GuestCluster.of("c1", "aws", "https:/x"));
  }

  /** A refused API server says what is wrong with it, not only that no host was found. */
  @Test
  void namesWhatIsWrongWithAnApiServerItRefuses() {
    assertMessage("api server of " + CLUSTER + " must be an http or https url, its scheme in "
        + "lower case, found \"HTTPS://h.example\"",
        () -> GuestCluster.of("c1", "aws", "HTTPS://h.example"));
    assertMessage("api server of " + CLUSTER + " has a '_' in its host name, which takes "
        + "letters, digits, '-' and '.', found \"https://a_b.example\"",
        () -> GuestCluster.of("c1", "aws", "https://a_b.example"));
    assertMessage("api server of " + CLUSTER + " has a host name that is not ASCII: write it "
        + "in its punycode form (xn--...), found \"https://b\u00fccher.example\"",
        () -> GuestCluster.of("c1", "aws", "https://b\u00fccher.example"));
    assertMessage("api server of " + CLUSTER + " has a port that is not a number from 1 to "
        + "65535, found \"https://h.example:+443\"",
        () -> GuestCluster.of("c1", "aws", "https://h.example:+443"));
  }

  @Test
  void rejectsAnApiServerWithAPath() {
    assertMessage("api server of " + CLUSTER
        + " must not have a path, found \"https://h/api\"",
        () -> GuestCluster.of("c1", "aws", "https://h/api"));
  }

  @Test
  void rejectsAnApiServerWithAQuery() {
    assertMessage("api server of " + CLUSTER
        + " must not carry user info, a query or a fragment, found \"https://h?x=1\"",
        () -> GuestCluster.of("c1", "aws", "https://h?x=1"));
  }

  @Test
  void neverQuotesThePasswordOfAnApiServerWithUserInfo() {
    assertMessage("api server of " + CLUSTER + " must not carry user info, a query or a"
        + " fragment, found \"https://<redacted>@h\"",
        () -> GuestCluster.of("c1", "aws", "https://admin:hunter2@h"));
    assertMessage("api server of " + CLUSTER + " is not a valid url, found"
        + " \"https://<redacted>@h /x\"",
        () -> GuestCluster.of("c1", "aws", "https://admin:hunter2@h /x"));
  }

  @Test
  void rejectsAnApiServerWithAPortOutOfRange() {
    assertMessage("api server of " + CLUSTER
        + " has a port out of range, found \"https://h:65536\"",
        () -> GuestCluster.of("c1", "aws", "https://h:65536"));
  }

  @Test
  void rejectsAnApiServerWithPortZero() {
    assertMessage("api server of " + CLUSTER
        + " has a port out of range, found \"https://h:0\"",
        () -> GuestCluster.of("c1", "aws", "https://h:0"));
  }

  /** A host whose last label starts with a digit, which URI reads no host (nor port) of. */
  @Test
  void rejectsPortZeroAlsoWhereUriFindsNoHost() {
    assertMessage("api server of " + CLUSTER + " has a port out of range, found "
        + "\"https://master.4bvha:0\"",
        () -> GuestCluster.of("c1", "aws", "https://master.4bvha:0"));
    assertMessage("api server of " + CLUSTER + " has a port out of range, found "
        + "\"https://master.4bvha:65536\"",
        () -> GuestCluster.of("c1", "aws", "https://master.4bvha:65536"));
  }

  @Test
  void rejectsAnApiServerThatIsNotAUrl() {
    assertMessage("api server of " + CLUSTER + " is not a valid url, found \"https://h h\"",
        () -> GuestCluster.of("c1", "aws", "https://h h"));
  }

  @Test
  void rejectsAMissingApiServer() {
    assertMessage("api server of " + CLUSTER + " is missing",
        () -> GuestCluster.parseApiServer(null, "c1"));
  }

  @Test
  void parsingRefusesWhatTheClusterWould() {
    assertMessage("api server of " + CLUSTER + " must be an http or https url, found "
        + "\"ftp://host.example\"", () -> GuestCluster.parseApiServer("ftp://host.example", "c1"));
    assertMessage("api server of " + CLUSTER + " must be an http or https url, found "
        + "\"host.example:6443\"", () -> GuestCluster.parseApiServer("host.example:6443", "c1"));
  }

  @Test
  void rejectsAReservedLabelName() {
    assertMessage("label of " + CLUSTER + " must match [a-zA-Z_][a-zA-Z0-9_]* and not start "
            + "with \"__\", found \"__address__\"",
        () -> GuestCluster.of("c1", "aws", "https://h").withLabels(Map.of("__address__", "x")));
  }

  @Test
  void rejectsALabelValueLongerThan1024CharactersShowingOnlyItsStart() {
    assertMessage("label \"team\" of " + CLUSTER + " must be at most 1024 characters long, "
            + "found \"" + "a".repeat(120) + "...(1025 chars)\"",
        () -> GuestCluster.of("c1", "aws", "https://h")
            .withLabels(Map.of("team", "a".repeat(1025))));
  }

  @Test
  void rejectsALabelValueWithALoneSurrogate() {
    assertMessage("label \"team\" of " + CLUSTER
        + " must be valid unicode text, found \"x\\ud800\"",
        () -> GuestCluster.of("c1", "aws", "https://h").withLabels(Map.of("team", "x\ud800")));
  }

  @Test
  void rejectsAnEtcdEndpointWithoutPort() {
    assertMessage("etcd endpoint of " + CLUSTER + " must be host:port, found \"etcd\"",
        () -> GuestCluster.of("c1", "aws", "https://h").withEtcd("etcd"));
  }

  @Test
  void rejectsAnEtcdHostAndPortWithoutPort() {
    assertMessage("etcd endpoint of " + CLUSTER + " needs a port, found \"etcd\"",
        () -> new GuestCluster(ClusterId.of("c1"), "aws", URI.create("https://h"),
            new TreeMap<>(), Optional.of(HostAndPort.fromString("etcd"))));
  }

  private static void assertMessage(String expected, Executable executable) {
    assertEquals(expected, assertThrows(InvalidValueException.class, executable).getMessage());
  }

  @Test
  void clustersWhoseApiServersDifferOnlyInTheHostsCaseAreNotEqual() {
    // they render differently: java.net.URI's equality, which ignores the host's case, is not
    GuestCluster lower = GuestCluster.of("a", "aws", "https://master.a.example");
    GuestCluster upper = GuestCluster.of("a", "aws", "https://Master.A.example");

    assertNotEquals(lower, upper);
    assertEquals(lower, GuestCluster.of("a", "aws", "https://master.a.example"));
    assertEquals(lower.hashCode(), GuestCluster.of("a", "aws", "https://master.a.example")
        .hashCode());
  }
}
