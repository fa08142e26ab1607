package io.promcc.core.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promcc.core.model.ValidationException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A merge key ({@code <<}) is read as Prometheus 2.53.3's YAML (go-yaml v2) reads it: the keys
 * of the mapping (or of each mapping of a list, the earlier first) are set where the {@code <<}
 * stands, a key written after it overriding one merged, one merged overriding a key written
 * before. It was read as a key {@code "<<"}: promtool takes {@code - <<: {job_name: a}} as the
 * job {@code a}, which promcc refused as a job without a name, and a global
 * {@code <<: {scrape_interval: 1m, scrape_timeout: 2m}} as a timeout longer than the interval,
 * which promcc took.
 */
class BaseConfigMergeKeysTest {
  @Test
  void aMergeKeySetsTheKeysOfItsMappingWhereItStands() {
    Map<String, Object> read = YamlReader.readMapping("""
        a: &m {x: 1, y: 2, z: 3}
        b: {x: 0, <<: *m, y: 9}
        c: {<<: [{x: 1}, {x: 2, w: 2}], w: 3}
        d: {'<<': {x: 1}}
        """, "b.yml");

    assertEquals(Map.of("x", 1, "y", 9, "z", 3), read.get("b"));
    assertEquals(List.of("x", "y", "z"), List.copyOf(((Map<?, ?>) read.get("b")).keySet()));
    assertEquals(Map.of("x", 1, "w", 3), read.get("c"));
    assertEquals(Map.of("<<", Map.of("x", 1)), read.get("d"), "quoted, no merge key");
  }

  @Test
  void aJobNameAndDurationsSetByAMergeKeyAreRead() {
    BaseConfig base = BaseConfig.parse("""
        global:
          <<: {scrape_interval: 1m, scrape_timeout: 2m}
        scrape_configs:
        - <<: {job_name: a}
          static_configs: [{targets: ['h:1']}]
        - <<: &owned {job_name: gc-x}
        """, "b.yml");

    assertEquals(Map.of("scrape_interval", "1m", "scrape_timeout", "2m"),
        base.values().get("global"));
    assertEquals(List.of("a"), base.unownedJobs("gc").stream().map(BaseConfig::jobName).toList());
    assertEquals("""
        global:
          <<: {scrape_interval: 1m, scrape_timeout: 2m}
        scrape_configs:
        - <<: {job_name: a}
          static_configs: [{targets: ['h:1']}]
        """, base.render("gc", "", null));
  }

  /**
   * A top-level merge key that sets {@code scrape_configs} or {@code scrape_config_files} is
   * refused saying so: promcc writes those two out at the top level, which would override the
   * merged ones (the jobs the merge key set would be lost to Prometheus).
   */
  @Test
  void aTopLevelMergeKeySettingTheJobsOrTheirFilesIsRefused() {
    ValidationException e = assertThrows(ValidationException.class, () -> BaseConfig.parse("""
        <<: {scrape_configs: [{job_name: a}], scrape_config_files: [f.yml]}
        global: {scrape_interval: 1m}
        """, "b.yml"));

    assertEquals(List.of("a merge key (<<) at the top level sets \"scrape_config_files\","
        + " which promcc writes out: write it at the top level itself",
        "a merge key (<<) at the top level sets \"scrape_configs\", which promcc writes out:"
        + " write it at the top level itself"), e.problems());
  }

  /**
   * A merge key of null ({@code <<: ~}, or of nothing) is refused as Prometheus refuses it
   * (promtool: {@code map merge requires map or sequence of maps as the value}), where the
   * reading ended in a {@code NullPointerException} named as the problem.
   */
  @Test
  void aMergeKeyOfNullIsRefusedAsAnyOtherNonMapping() {
    for (String value : List.of("~", "null", "", "[~]")) {
      ValidationException e = assertThrows(ValidationException.class,
          () -> BaseConfig.parse("global:\n  <<: " + value + "\n", "b.yml"), value);

      assertEquals(List.of("invalid yaml at line 2, column "
          + (value.isEmpty() ? "6" : "7")
          + ": map merge requires map or sequence of maps as the value"), e.problems(), value);
    }
  }

  /**
   * A mapping may hold more than one merge key, each setting its keys where it stands, as to
   * Prometheus' YAML (promtool takes {@code global: {<<: {scrape_interval: 1m, scrape_timeout:
   * 1m}, scrape_timeout: 2m, <<: {scrape_timeout: 30s}}} as a 30s timeout), where the second
   * was refused as a duplicate key; any other key written twice still is.
   */
  @Test
  void aMappingMayHoldMoreThanOneMergeKey() {
    Map<String, Object> read = YamlReader.readMapping(
        "a: {<<: {x: 1, y: 1}, y: 0, <<: {y: 2, z: 2}}\n", "b.yml");
    ValidationException twice = assertThrows(ValidationException.class,
        () -> YamlReader.readMapping("a: {<<: {x: 1}, <<: {y: 1}, x: 1, x: 2}\n", "b.yml"));

    assertEquals(Map.of("x", 1, "y", 2, "z", 2), read.get("a"));
    assertEquals(List.of("invalid yaml at line 1, column 35: found duplicate key x (while"
        + " constructing a mapping at line 1, column 4)"), twice.problems());
  }
}
