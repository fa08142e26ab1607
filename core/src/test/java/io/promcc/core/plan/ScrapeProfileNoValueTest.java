package io.promcc.core.plan;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ValidationException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A profile of no YAML value that a writer may yet make a good one (one document, so far of
 * none) against one refused whatever is written after it (several documents, an empty one
 * first), or that has a value: each is checked by what {@link ScrapeProfile#parse} makes of it
 * with jobs written after it.
 */
class ScrapeProfileNoValueTest {
  private static final String JOBS = "jobs:\n- name: x\n  role: node\n  target: direct\n";
  private static final List<String> MAY_YET_BE_GOOD = List.of("", "\n", "# nothing yet\n",
      "---\n", "--- # c\n", "%YAML 1.2\n---\n", "\uFEFF# c\n", "# a\n---\n");
  private static final List<String> SEVERAL_DOCUMENTS = List.of("---\n---\n",
      "# a\n---\n---\n", "---\n...\n", "--- # c\n...\n# more\n", "---\n--- # c\n");

  @Test
  void oneDocumentOfNoValueSoFarMayYetBeAGoodProfile() {
    for (String text : MAY_YET_BE_GOOD) {
      assertTrue(ScrapeProfile.holdsNoValue(text), text);
      assertThrows(ValidationException.class, () -> ScrapeProfile.parse(text, "p.yml"), text);
      assertDoesNotThrow(() -> ScrapeProfile.parse(text + JOBS, "p.yml"), text);
    }
  }

  @Test
  void severalDocumentsAreRefusedWhateverFollows() {
    for (String text : SEVERAL_DOCUMENTS) {
      assertFalse(ScrapeProfile.holdsNoValue(text), text);
      for (String after : List.of("", JOBS, "---\n" + JOBS, "...\n" + JOBS)) {
        assertThrows(ValidationException.class, () -> ScrapeProfile.parse(text + after,
            "p.yml"), text + after);
      }
    }
  }

  /**
   * Directives, and no {@code ---} after them yet: what a profile that begins with one holds
   * while it is written, which YAML refuses only for want of the {@code ---} that follows.
   */
  @Test
  void directivesWithNoDocumentYetMayYetBeAGoodProfile() {
    for (String text : List.of("%YAML 1.2\n", "# c\n%YAML 1.2\n", "%YAML 1.1\n",
        "%TAG !e! tag:example.com,2000:\n", "%YAML 1.2\n%TAG !e! tag:example.com,2000:\n",
        "%YAML 1.2\n# c\n")) {
      assertTrue(ScrapeProfile.holdsNoValue(text), text);
      assertThrows(ValidationException.class, () -> ScrapeProfile.parse(text, "p.yml"), text);
      assertDoesNotThrow(() -> ScrapeProfile.parse(text + "---\n" + JOBS, "p.yml"), text);
    }
  }

  @Test
  void aProfileOfAValueOrThatYamlRefusesHasAValue() {
    for (String text : List.of(JOBS, "~\n", "{}\n", "jobs: []\n", "---\njobs: [\n", "[\n",
        "%YAML 2.0\n", "%YAML 1.2\n%YAML 1.2\n", "%YAML 1.2\n[\n", "%YAML 1.2\n...\n",
        "---\n%YAML 1.2\n", "%YAML 1.2\n---\n---\n")) {
      assertFalse(ScrapeProfile.holdsNoValue(text), text);
    }
  }
}
