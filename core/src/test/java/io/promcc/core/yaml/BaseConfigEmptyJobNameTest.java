package io.promcc.core.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promcc.core.model.ValidationException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A base config job whose name is written empty ({@code ''}, {@code ""}) is refused in
 * Prometheus 2.53.3's words, naming the job: promtool refuses it ({@code job_name is empty}),
 * and promcc took it and wrote it out. (A name written null is none, and refused as such.)
 */
class BaseConfigEmptyJobNameTest {
  @Test
  void anEmptyJobNameIsRefusedNamingTheJob() {
    ValidationException e = assertThrows(ValidationException.class, () -> BaseConfig.parse("""
        scrape_configs:
        - job_name: a
        - job_name: ''
        - job_name: ""
        """, "b.yml"));

    assertEquals(List.of("job_name is empty in scrape_configs[1]",
        "job_name is empty in scrape_configs[2]"), e.problems());
  }
}
