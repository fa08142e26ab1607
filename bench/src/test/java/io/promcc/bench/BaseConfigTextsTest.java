package io.promcc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.yaml.BaseConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The side-by-side YAML harness reads configs the project takes, of the size asked for: a config
 * refused would be measured up to its refusal only, a different thing.
 */
class BaseConfigTextsTest {
  @Test
  void eachShapeIsABaseConfigTheProjectReadsOfAboutTheSizeAskedFor() {
    for (String text : List.of(BaseConfigTexts.jobs(20_000), BaseConfigTexts.aliased(20_000),
        BaseConfigTexts.manyLabels(20_000))) {
      BaseConfig config = BaseConfig.parse(text, "base.yml");

      assertTrue(text.length() >= 20_000 && text.length() < 22_000, text.length() + " chars");
      assertTrue(config.unownedJobs("guest-").size() > 10, text.substring(0, 200));
    }
  }

  @Test
  void anAliasedJobHasTheAnchoredBlocksMergedIn() {
    Map<?, ?> job = BaseConfig.parse(BaseConfigTexts.aliased(2_000), "base.yml")
        .unownedJobs("guest-").get(0);

    assertEquals("15s", job.get("scrape_interval"));
    assertEquals("/etc/prometheus/ca.pem", ((Map<?, ?>) job.get("tls_config")).get("ca_file"));
  }
}
