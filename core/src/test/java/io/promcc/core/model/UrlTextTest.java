package io.promcc.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UrlTextTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "http://admin:s3cret@prom:9090/     | http://<redacted>@prom:9090/",
      "http://admin:s3cret@prom_shard0:90 | http://<redacted>@prom_shard0:90",
      "http://admin:s3#cret@prom:9090     | http://<redacted>@prom:9090",
      "http://admin:s3/cr?et@prom:9090    | http://<redacted>@prom:9090",
      "http:/admin:s3cret@prom:9090       | http:/<redacted>@prom:9090",
      "https://a:p@ss@h/x@y              | https://<redacted>@y",
      "http://h:9090/                    | http://h:9090/",
      "admin:s3cret@prom:9090             | <redacted>@prom:9090",
      "http://admin:s3cret@prom etheus    | http://<redacted>@prom etheus",
      "plain                              | plain"})
  void everythingBetweenTheSchemeAndTheLastAtIsRedacted(String url, String shown) {
    assertEquals(shown, UrlText.withoutUserInfo(url));
  }
}
