package io.promcc.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The edit distance that every "did you mean" of promcc ranks names by. */
class EditDistanceTest {
  @ParameterizedTest
  @CsvSource({"'', '', 0", "'', out, 3", "out, '', 3", "out, out, 0", "--outt, --out, 1",
      "--out, --outt, 1", "scrape_config, scrape_configs, 1", "kitten, sitting, 3",
      "strict, strcit, 2", "host, out, 2", "PROMCC_PROMETHEUS_URLS, PROMCC_PROMETHEUS_URL, 1",
      "abc, xyz, 3"})
  void isTheFewestCharactersInsertedDeletedOrReplaced(String a, String b, int distance) {
    assertEquals(distance, EditDistance.between(a, b));
    assertEquals(distance, EditDistance.between(b, a));
  }
}
