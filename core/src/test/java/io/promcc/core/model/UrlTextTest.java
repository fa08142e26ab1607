package io.promcc.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UrlTextTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "http://admin:s3cret@prom:9090/     | http://<redacted>@prom:9090/",
      "http://admin:s3cret@prom_shard0:90 | http://<redacted>@prom_shard0:90",
      "https://a:p@ss@h/x@y?q=@#@        | https://<redacted>@h/x@y?q=@#@",
      "http://h:9090/a@b                  | http://h:9090/a@b",
      "http://h?x=a@b                     | http://h?x=a@b",
      "admin:s3cret@prom:9090             | <redacted>@prom:9090",
      "http://admin:s3cret@prom etheus    | http://<redacted>@prom etheus",
      "plain                              | plain"})
  void everythingBeforeTheLastAtOfTheAuthorityIsRedacted(String url, String shown) {
    assertEquals(shown, UrlText.withoutUserInfo(url));
  }
}
