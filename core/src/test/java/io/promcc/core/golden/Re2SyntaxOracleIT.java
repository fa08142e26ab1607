package io.promcc.core.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ValidationException;
import io.promcc.core.plan.ScrapeProfile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The oracle for relabelling regular expressions: a profile takes exactly the ones that
 * {@code promtool check config} (Prometheus 2.53.3) takes, and refuses the others with
 * Prometheus' own words. Without promtool this fails when {@code CI=true} and is skipped
 * otherwise.
 */
class Re2SyntaxOracleIT {
  /** Each differs from Java's regular expressions, or sits on an edge of Go's syntax. */
  private static final List<String> REGEXES = List.of("", "a", "(?P<name>a)", "(?<name>a)",
      "[[:alpha:]]+", "[[:^digit:]]", "\\pL", "\\p{Greek}", "\\P{Lu}", "\\p{^Han}",
      "\\p{Old_Italic}", "[\\p{Nd}x-z]", "(a{2}){3}(?i)", "a*?", "a{1000}", "(a{10}){100}",
      "(a{0}){1000}", "(?i:a)|(?s)b", "(?-i:a)", "\\Qa.b*\\E", "\\x{10FFFF}", "\\x41", "\\101",
      "\\0", "[]a]", "[^]a]", "[a-]", "a{,5}", "a{01}", "a{", "}", "]", "\\_", "\\b+", "^*",
      "a|", "()", "[\\d-z]", "a)(", "kube-system|default", "a++", "a**", "a*?+", "a{2}*",
      "a{2}{3}", "*a", "a|+", "(?i)?", "a{1001}", "a{2,1}", "(a{11}){100}", "((a{600}){0,}){2}",
      "((((x{10}){10}){10}){0,}){2}", "(a{600}){0}{2}", "\\x{\uD83D\uDE00", "(?!a)", "(?=a)",
      "(?P=n)", "(?i-)", "(?x)", "(?P<a-b>c)", "(?<>c)", "(?<=a)b", "a\\1", "\\8", "\\C", "\\e",
      "\\xZ1", "\\x{}", "\\x{110000}", "\\p{Alpha}", "\\pX", "[[:foo:]]", "[z-a]", "(a", "a\\",
      "[", "[a", "a)|b)");

  private static Promtool promtool;

  @TempDir Path temp;

  @BeforeEach
  void findPromtool() {
    promtool = Promtool.require();
  }

  @Test
  void aProfileTakesTheRegularExpressionsPromtoolTakesAndSaysWhyNotInItsWords()
      throws IOException {
    List<String> disagreements = new ArrayList<>();
    for (int i = 0; i < REGEXES.size(); i++) {
      String regex = REGEXES.get(i);
      String quoted = "'" + regex.replace("'", "''") + "'";
      Promtool.Result verdict = promtool.checkText(temp, "prometheus-" + i + ".yml", """
          scrape_configs:
            - job_name: x
              static_configs: [{targets: ["localhost:9090"]}]
              relabel_configs:
                - source_labels: [a]
                  regex: %s
                  action: keep
          """.formatted(quoted));
      Optional<String> ours = problem(quoted);
      boolean refused = verdict.exitCode() != 0;
      if (refused != ours.isPresent()
          || refused && !verdict.output().contains(ours.get())) {
        disagreements.add(regex + ": promtool " + (refused ? "refused" : "took") + " it ("
            + verdict.output().strip().replace('\n', ' ') + "), the profile "
            + ours.map(p -> "refused it: " + p).orElse("took it"));
      }
    }
    assertEquals(List.of(), disagreements);
    assertTrue(REGEXES.size() > 75);
  }

  /** The profile's problem with the regex, Prometheus' part of it (after the rule's name). */
  private static Optional<String> problem(String quoted) {
    try {
      ScrapeProfile.parse("""
          jobs:
          - name: x
            role: node
            target: direct
            relabel_configs:
            - source_labels: [a]
              regex: %s
              action: keep
          """.formatted(quoted), "oracle.yml");
      return Optional.empty();
    } catch (ValidationException e) {
      String message = e.problems().get(0);
      return Optional.of(message.substring(message.indexOf("error parsing regexp")));
    }
  }
}
