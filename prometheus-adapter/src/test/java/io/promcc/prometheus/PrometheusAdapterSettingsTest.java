package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promcc.core.model.ValidationException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PrometheusAdapterSettingsTest {
  private static final Path OUT = Path.of("out");

  @Test
  void listsEveryBadSettingAtOnce() {
    ValidationException e = assertThrows(ValidationException.class,
        () -> PrometheusAdapterSettings.builder(OUT, URI.create("ftp://127.0.0.1:9090"))
            .requestTimeout(Duration.ZERO).readyTimeout(Duration.ofSeconds(-1)).signalPid(1)
            .signalPidFile(Path.of("/run/prometheus.pid")).promtoolTimeout(Duration.ZERO)
            .build());

    assertEquals(List.of(
        "prometheus url must be an absolute http or https url, found \"ftp://127.0.0.1:9090\"",
        "request timeout must be positive, found \"PT0S\"",
        "ready timeout must be positive, found \"PT-1S\"",
        "promtool timeout must be positive, found \"PT0S\"",
        "prometheus pid must be greater than 1, found \"1\"",
        "prometheus pid file must not be set together with a prometheus pid, found "
            + "\"/run/prometheus.pid\""), e.problems());
  }

  @Test
  void aUrlWithCredentialsIsRefusedAndTheyAreNeverPrinted() {
    ValidationException e = assertThrows(ValidationException.class,
        () -> PrometheusAdapterSettings.builder(OUT,
            URI.create("http://admin:s3cret@127.0.0.1:9090/")).build());

    assertEquals(List.of("prometheus url must not carry a user or password; configure basic "
        + "auth or a bearer token instead, found \"http://<redacted>@127.0.0.1:9090/\""),
        e.problems());
    assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
    assertFalse(e.getMessage().contains("admin"), e.getMessage());
  }

  /**
   * java.net.URI reads an authority whose host has an underscore (a Compose service name) or whose
   * port is no number as registry-based, with no user information: the password was printed.
   */
  @ParameterizedTest
  @ValueSource(strings = {"http://admin:s3cret@prom_shard0:9090/",
      "http://admin:s3cret@prometheus:90o0/", "http://admin:s3#cret@prometheus:9090/",
      "http://admin:s3/cret@prometheus:9090/"})
  void credentialsAreNeverPrintedAlsoWhereUriFindsNoUserInformation(String url) {
    ValidationException e = assertThrows(ValidationException.class,
        () -> PrometheusAdapterSettings.builder(OUT, URI.create(url)).build());

    assertEquals(List.of("prometheus url must not carry a user or password; configure basic "
        + "auth or a bearer token instead, found \"http://<redacted>"
        + url.substring(url.lastIndexOf('@')) + "\""), e.problems());
  }
}
