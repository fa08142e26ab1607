package io.promcc.core.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promcc.core.model.ValidationException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A base config key written as binary data that encodes a field promcc reads (a job's
 * {@code job_name}, a duration of {@code global} or of a job) is refused saying so, as such a
 * top-level key is: Prometheus 2.53.3 reads it as that field, promcc would read no field. It
 * was refused as a job without a name, or taken as no duration (a global timeout of 2m then
 * longer than the default interval, where the key set 5m).
 */
class BaseConfigBinaryKeysTest {
  @Test
  void aKeyOfBinaryDataEncodingAFieldPromccReadsIsRefusedSayingSo() {
    ValidationException e = assertThrows(ValidationException.class, () -> BaseConfig.parse("""
        global:
          !!binary c2NyYXBlX2ludGVydmFs: 5m
          scrape_timeout: 2m
          !!binary aGVsbG8=: x
        scrape_configs:
        - !!binary am9iX25hbWU=: k
          static_configs: [{targets: ['h:1']}]
        - job_name: j
          !!binary c2NyYXBlX3RpbWVvdXQ=: 1s
        """, "b.yml"));

    assertEquals(List.of("field \"scrape_interval\" is written as binary data (!!binary "
            + "c2NyYXBlX2ludGVydmFs) in global, which is read as no field here: write it as text",
        "field \"job_name\" is written as binary data (!!binary am9iX25hbWU=) in "
            + "scrape_configs[0], which is read as no field here: write it as text",
        "field \"scrape_timeout\" is written as binary data (!!binary c2NyYXBlX3RpbWVvdXQ=) in "
            + "scrape_configs[1], which is read as no field here: write it as text"),
        e.problems());
  }
}
