package io.promcc.app.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@code --prometheus-probe-period} and {@code --prometheus-probe-failures}: how often promcc
 * asks Prometheus whether it is ready between reconciles, and how many failures in a row make
 * {@code /readyz} fail; 5 s and 3 unless told, {@code off} asks nothing, and a value that makes
 * no sense is refused at start, named.
 */
class PrometheusProbeOptionsTest extends RunSettingsFixture {
  private Map<String, String> with(String... flags) {
    Map<String, String> given = new TreeMap<>(Map.of("clusters", clusters.toString(),
        "out", temp.resolve("out").toString(), "prometheus-url", "http://127.0.0.1:9090"));
    for (int i = 0; i < flags.length; i += 2) {
      if (flags[i + 1] == null) {
        given.remove(flags[i]);
      } else {
        given.put(flags[i], flags[i + 1]);
      }
    }
    return given;
  }

  @Test
  void theProbeIsEveryFiveSecondsAndThreeFailuresUnlessTold() throws IOException {
    RunSettings byDefault = load(with(), Map.of());
    RunSettings told = sameFromEachPlace(with("prometheus-probe-period", "30s",
        "prometheus-probe-failures", "1"));

    assertEquals(List.of(), problems.list());
    assertEquals(Optional.of(new PrometheusProbe(Duration.ofSeconds(5), 3)),
        byDefault.prometheusProbe());
    assertEquals(PrometheusProbe.DEFAULTS, byDefault.prometheusProbe().orElseThrow());
    assertEquals(Optional.of(new PrometheusProbe(Duration.ofSeconds(30), 1)),
        told.prometheusProbe());
  }

  @Test
  void offAsksNothing() {
    RunSettings off = load(with("prometheus-probe-period", "off"), Map.of());
    RunSettings upperCase = load(with(), Map.of("PROMCC_PROMETHEUS_PROBE_PERIOD", "OFF"));

    assertEquals(List.of(), problems.list());
    assertEquals(Optional.empty(), off.prometheusProbe());
    assertEquals(Optional.empty(), upperCase.prometheusProbe());
  }

  @Test
  void withoutAPrometheusUrlNothingIsProbed() {
    RunSettings local = load(with("prometheus-url", null), Map.of());

    assertEquals(List.of(), problems.list());
    assertEquals(Optional.empty(), local.prometheusProbe());
  }

  @Test
  void aPeriodOfZeroNoneOrUnderASecondIsRefusedNamingWhatIsTaken() {
    for (String period : List.of("0", "0s", "-5s", "5", "500ms", "soon")) {
      load(with("prometheus-probe-period", period), Map.of());
    }

    assertEquals(List.of(
        "--prometheus-probe-period must be at least 1s (or off to ask nothing), found \"0\"",
        "--prometheus-probe-period must be at least 1s (or off to ask nothing), found \"0s\"",
        "--prometheus-probe-period must be a duration such as 5s, 30s or 1m, or off to ask "
            + "nothing, found \"-5s\"",
        "--prometheus-probe-period must be a duration such as 5s, 30s or 1m, or off to ask "
            + "nothing, found \"5\"",
        "--prometheus-probe-period must be at least 1s (or off to ask nothing), found "
            + "\"500ms\"",
        "--prometheus-probe-period must be a duration such as 5s, 30s or 1m, or off to ask "
            + "nothing, found \"soon\""), problems.list());
  }

  @Test
  void failuresThatAreNoWholeNumberOfAtLeastOneAreRefused() {
    for (String failures : List.of("0", "-1", "three", "2.5", "99999999999")) {
      assertNull(load(with("prometheus-probe-failures", failures), Map.of()));
    }

    assertEquals(List.of("0", "-1", "three", "2.5", "99999999999").stream()
        .map(f -> "--prometheus-probe-failures must be a whole number of at least 1, found \""
            + f + "\"").toList(), problems.list());
  }

  /** Given where nothing reads it, each is refused as the other options of Prometheus are. */
  @Test
  void theOptionsAreRefusedWhereNothingIsProbed() {
    assertNull(load(with("prometheus-url", null, "prometheus-probe-period", "10s",
        "prometheus-probe-failures", "5"), Map.of()));
    assertNull(load(with("prometheus-probe-period", "off"),
        Map.of("PROMCC_PROMETHEUS_PROBE_FAILURES", "5")));

    assertEquals(List.of("--prometheus-probe-period is only read with --prometheus-url "
        + "(without it nothing asks Prometheus whether it is ready), found \"10s\"",
        "--prometheus-probe-failures is only read with --prometheus-url (without it nothing "
            + "asks Prometheus whether it is ready), found \"5\"",
        "PROMCC_PROMETHEUS_PROBE_FAILURES is not read with --prometheus-probe-period off "
            + "(nothing is asked), found \"5\""), problems.list());
  }
}
