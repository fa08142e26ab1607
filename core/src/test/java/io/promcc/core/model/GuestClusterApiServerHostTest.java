package io.promcc.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * API server hosts that {@link java.net.URI} does not see as hosts: a last label starting with a
 * digit, as in {@code master.<cluster id>} for an ID such as {@code 4bvha}.
 */
class GuestClusterApiServerHostTest {

  @ParameterizedTest
  @CsvSource({
      "https://master.4bvha, master.4bvha:443",
      "https://master.0, master.0:443",
      "http://master.4bvha, master.4bvha:80",
      "https://master.4bvha:6443, master.4bvha:6443",
      "https://master.4bvha/, master.4bvha:443",
      "https://master.alpha, master.alpha:443",
      "https://[fd00::1]:6443, '[fd00::1]:6443'",
      "https://[fd00::1], '[fd00::1]:443'",
  })
  void acceptsApiServerHostsWhoseLastLabelStartsWithADigit(String url, String address) {
    GuestCluster cluster = GuestCluster.of("4bvha", "aws", url);
    assertEquals(address, cluster.apiServerAddress());
    assertEquals(url, cluster.apiServer().toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://user@master.4bvha", "https://master_x.4bvha", "https://",
      "https://master.4bvha:99999", "https://-master.4bvha", "https://master..4bvha"})
  void stillRejectsApiServersWithoutAUsableHost(String url) {
    InvalidValueException e = assertThrows(InvalidValueException.class,
        () -> GuestCluster.of("4bvha", "aws", url));
    assertEquals("api server of cluster \"4bvha\"", e.field());
  }

  @Test
  void namesTheClusterAndQuotesTheUrlWhenTheHostIsMissing() {
    InvalidValueException e = assertThrows(InvalidValueException.class,
        () -> GuestCluster.of("4bvha", "aws", "https://user@master.4bvha"));
    assertEquals("api server of cluster \"4bvha\" needs a host name, "
        + "found \"https://<redacted>@master.4bvha\"", e.getMessage());
  }
}
