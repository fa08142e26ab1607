package io.promcc.core.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A merge key tagged {@code !!merge} ({@code !!merge <<}, {@code !!merge '<<'}) is a merge key
 * to Prometheus 2.53.3's YAML (go-yaml v2) as a plain {@code <<} is, read and written out as
 * one: snakeyaml merged it itself, in its own way (a key written before it kept over the one
 * merged), and wrote the config out merged so: promtool takes
 * {@code global: {scrape_interval: 1m, !!merge <<: {scrape_interval: 2m, scrape_timeout: 90s}}}
 * as a 2m interval, which promcc read, and wrote out, as 1m, under the 90s timeout.
 */
class BaseConfigMergeTagTest {
  @Test
  void aMergeKeyTaggedMergeIsReadAndWrittenAsPrometheusReadsIt() {
    BaseConfig base = BaseConfig.parse("""
        global: {scrape_interval: 1m, !!merge <<: {scrape_interval: 2m, scrape_timeout: 90s}}
        scrape_configs:
        - job_name: a
          !!merge '<<': {job_name: gc-b}
        - job_name: c
        """, "b.yml");
    Map<String, String> global = Map.of("scrape_interval", "2m", "scrape_timeout", "90s");

    assertEquals(global, base.values().get("global"));
    assertEquals(List.of("c"), base.unownedJobs("gc").stream().map(BaseConfig::jobName).toList());
    String written = base.render("gc", "", null);
    assertEquals("""
        global: {scrape_interval: 1m, <<: {scrape_interval: 2m, scrape_timeout: 90s}}
        scrape_configs:
        - job_name: c
        """, written);
    assertEquals(global, BaseConfig.parse(written, "out.yml").values().get("global"));
  }

  @Test
  void aKeyTaggedMergeThatIsNotAMergeKeyIsTheTextWritten() {
    Map<String, Object> read = YamlReader.readMapping("a: {!!merge x: 1, y: 2}\n", "b.yml");

    assertEquals(Map.of("x", 1, "y", 2), read.get("a"));
  }
}
