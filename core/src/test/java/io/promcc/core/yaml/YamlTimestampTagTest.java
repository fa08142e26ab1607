package io.promcc.core.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promcc.core.model.ValidationException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Prometheus' YAML (go-yaml v2) takes a scalar tagged {@code !!timestamp} in one of its time
 * forms, and a text field reads it as written (promtool 2.53.3 takes
 * {@code job_name: !!timestamp 2001-12-14}); a scalar in no such form it refuses.
 */
class YamlTimestampTagTest {
  @Test
  void aTimestampTaggedScalarIsItsTextAndIsWrittenBackTagged() {
    String base = """
        global:
          external_labels:
            a: !!timestamp 2001-12-14
            b: !!timestamp 2001-1-2 3:4:5.5
            c: !!timestamp 2001-12-14t21:59:43.10-05:00
        scrape_configs:
        - job_name: !!timestamp 2001-1-2T3:4:5Z
          static_configs: [{targets: ['h:1']}]
        """;
    BaseConfig config = BaseConfig.parse(base, "b.yml");
    assertEquals(List.of("2001-12-14", "2001-1-2 3:4:5.5", "2001-12-14t21:59:43.10-05:00"),
        List.copyOf(((Map<?, ?>) ((Map<?, ?>) config.values().get("global"))
            .get("external_labels")).values()));
    String rendered = config.render("guest-cluster-", "", null);
    // quoted, and still tagged: the same time to Prometheus (BaseConfigOracleIT)
    assertEquals(true, rendered.contains("a: !!timestamp '2001-12-14'\n"), rendered);
    assertEquals(true, rendered.contains("job_name: !!timestamp '2001-1-2T3:4:5Z'\n"),
        rendered);
  }

  /**
   * Go's time.Parse reads the space of the layout {@code 2006-1-2 15:4:5.999999999} as one or
   * more spaces: promtool 2.53.3 takes {@code !!timestamp 2001-12-14  21:59:43}, not a tab.
   */
  @Test
  void aTimeWithSeveralSpacesBeforeItsHourIsItsTextAsToPrometheus() {
    for (String value : List.of("2001-12-14  21:59:43", "2001-1-2   3:4:5.5")) {
      BaseConfig config = BaseConfig.parse("global:\n  external_labels:\n    a: !!timestamp "
          + value + "\n", "b.yml");
      assertEquals(value, ((Map<?, ?>) ((Map<?, ?>) config.values().get("global"))
          .get("external_labels")).get("a"));
      String rendered = config.render("guest-cluster-", "", null);
      assertEquals(true, rendered.contains("a: !!timestamp '" + value + "'\n"), rendered);
    }
    ValidationException e = assertThrows(ValidationException.class, () -> YamlReader
        .readMapping("a: !!timestamp \"2001-12-14\\t21:59:43\"\n", "profile \"p.yml\""));
    assertEquals(List.of("invalid yaml at line 1, column 4: cannot decode !!str "
        + "`2001-12-14\t21:59:43` as a !!timestamp"), e.problems());
  }

  @Test
  void aTimestampTaggedScalarInNoTimeFormIsRefusedInPrometheusWords() {
    for (String value : List.of("abc", "2001-02-30", "2001-1-2T3:4:5", "20010-1-2", "8", "''",
        "true")) {
      ValidationException e = assertThrows(ValidationException.class, () -> YamlReader
          .readMapping("a: !!timestamp " + value + "\n", "profile \"p.yml\""), value);
      String tag = switch (value) {
        case "8" -> "!!int";
        case "''" -> "!!null";
        case "true" -> "!!bool";
        default -> "!!str";
      };
      String text = value.equals("''") ? "" : value;
      assertEquals(List.of("invalid yaml at line 1, column 4: cannot decode " + tag + " `" + text
          + "` as a !!timestamp"), e.problems(), value);
    }
  }
}
