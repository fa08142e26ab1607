package io.promcc.core.plan;

import static io.promcc.core.plan.ScrapeProfileTest.assertProblems;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A job template name that YAML reads as a number ({@code 1e3}, {@code 0x10}, {@code 010},
 * {@code 12}) is still a name: it is taken as written, names its template in messages and
 * counts as a duplicate like any other name.
 */
class NumberLikeTemplateNamesTest {
  private static String job(String name) {
    return "- name: " + name + "\n  role: node\n  target: direct\n";
  }

  @ParameterizedTest
  @ValueSource(strings = {"1e3", "0x10", "010", "0b1", "0o7", "12"})
  void aNameReadAsANumberIsTakenAsWritten(String name) {
    assertEquals(List.of(name),
        ScrapeProfile.parse("jobs:\n" + job(name), "p.yml").jobs().stream()
            .map(JobTemplate::name).toList());
  }

  @ParameterizedTest
  @ValueSource(strings = {"1e3", "0x10", "010", "12"})
  void twoTemplatesWithANameReadAsANumberAreDuplicates(String name) {
    assertProblems("jobs:\n" + job(name) + job(name),
        "found multiple job templates with name \"" + name + "\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"1e3", "0x10", "010", "12"})
  void aNameReadAsANumberNamesItsTemplateInProblems(String name) {
    assertProblems("jobs:\n" + job(name) + "  bogus: 1\n",
        "field \"bogus\" not found in job template \"" + name + "\"");
  }
}
