package io.promcc.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
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

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "https://vault.corp:08200/v1/sys/health | 8200 | 08200",
      "https://vault.corp:8200                | 8200 | 8200",
      "https://vault.corp                     | 443  | 443",
      "https://jo:pw:1@vault.corp:0443?a=:1   | 443  | 0443",
      "https://[2001:db8::1]:00443/x:1        | 443  | 00443",
      "https://[2001:db8::1]/x                | 443  | 443",
      "https://vault.corp:00/                 | 0    | 00",
      "https://vault.corp:08200               | 9200 | 9200",
      "vault.corp:08200                       | 8200 | 8200"})
  void aPortIsGivenAsTheUrlWritesItWhereItIsThatNumber(String url, int port, String text) {
    assertEquals(text, UrlText.portAsWritten(url, port));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "https://vault.corp:8200/v1  | vault.corp | 8200",
      "https://[2001:db8::1]/      | 2001:db8::1 | 443",
      "http://127.0.0.1/           | 127.0.0.1  | 80",
      "HTTPS://prometheus.corp     | prometheus.corp | 443"})
  void aSocketIsGivenTheHostWithoutBracketsAndThePortOrTheSchemesDefault(String url, String host,
      int port) {
    assertEquals(host, UrlText.socketHost(URI.create(url)));
    assertEquals(port, UrlText.portOrDefault(URI.create(url)));
  }
}
