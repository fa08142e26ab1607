package io.promcc.core.plan;

import static io.promcc.core.plan.HashmodModulusRangeTest.profile;
import static io.promcc.core.plan.HashmodModulusRangeTest.rule;
import static io.promcc.core.plan.ScrapeProfileTest.assertProblems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ValidationException;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A {@code modulus} is read as Prometheus' YAML (go-yaml v2) reads a uint64, which promtool
 * 2.53.3 judged for each form here: any integer form Go reads (hexadecimal, octal, binary,
 * underscores, a sign), and a float, truncated. A form it refuses is refused with one problem
 * in its words, not with a second, misleading "requires non-zero modulus" besides.
 */
class HashmodModulusFormsTest {
  private static final String OWNER = " in relabel_configs[0] of job template \"a\"";

  private static BigInteger modulus(String written) {
    return rule(written).modulus();
  }

  @Test
  void takesEveryFormPromtoolTakesWithTheValuePrometheusReads() {
    Map<String, Long> taken = Map.ofEntries(Map.entry("0x10", 16L), Map.entry("0X10", 16L),
        Map.entry("0o10", 8L), Map.entry("010", 8L), Map.entry("08", 8L),
        Map.entry("0b101", 5L), Map.entry("1_000", 1000L), Map.entry("1000_", 1000L),
        Map.entry("0x_10", 16L), Map.entry("+8", 8L), Map.entry("+0x10", 16L),
        Map.entry("1e3", 1000L), Map.entry("1E3", 1000L), Map.entry("8.0", 8L),
        Map.entry("8.", 8L), Map.entry("8.5", 8L), Map.entry("1.5e1", 15L),
        Map.entry("!!int 0x10", 16L), Map.entry("!!int 1_000", 1000L),
        Map.entry("!!float 8", 8L), Map.entry("!!float 8.5", 8L));
    taken.forEach((written, value) ->
        assertEquals(BigInteger.valueOf(value), modulus(written), written));
    assertEquals(new BigInteger("10000000000000000000"), modulus("1e19"));
    assertEquals(new BigInteger("18446744073709551615"), modulus("0xFFFFFFFFFFFFFFFF"));
  }

  @Test
  void refusesWhatPromtoolRefusesWithOneProblemInItsWords() {
    for (List<String> refused : List.of(
        List.of("\"0x10\"", "0x10", "!!str `0x10`"),
        List.of("'8'", "8", "!!str `8`"),
        List.of("!!str 8", "8", "!!str `8`"),
        List.of("_1000", "_1000", "!!str `_1000`"),
        List.of("0x", "0x", "!!str `0x`"),
        List.of("0x10000000000000000", "0x10000000000000000", "!!str `0x10000...`"),
        List.of("-0x1", "-0x1", "!!int `-0x1`"),
        List.of("1e20", "1e20", "!!float `1e20`"),
        List.of(".inf", ".inf", "!!float `.inf`"),
        List.of(".nan", ".nan", "!!float `.nan`"))) {
      assertProblems(profile(refused.get(0)), "invalid modulus " + refused.get(1) + OWNER
          + ": cannot unmarshal " + refused.get(2) + " into uint64");
    }
  }

  /**
   * go-yaml v2 tags a plain scalar in one of its time forms {@code !!timestamp}, as one tagged
   * so, and names binary data {@code !!binary}, as written; a quoted time, or one in no time
   * form it takes ({@code 2001-02-30}, {@code 1:20}), is text. promtool 2.53.3 says each so.
   */
  @Test
  void namesATimeOrBinaryModulusByTheTagPrometheusNames() {
    for (List<String> refused : List.of(
        List.of("2001-12-14", "2001-12-14", "!!timestamp `2001-12-14`"),
        List.of("!!timestamp 2001-12-14", "2001-12-14", "!!timestamp `2001-12-14`"),
        List.of("2001-12-14t21:59:43.10-05:00", "2001-12-14t21:59:43.10-05:00",
            "!!timestamp `2001-12...`"),
        List.of("2001-12-14 21:59:43.10", "2001-12-14 21:59:43.10", "!!timestamp `2001-12...`"),
        List.of("\"2001-12-14\"", "2001-12-14", "!!str `2001-12-14`"),
        List.of("!!str 2001-12-14", "2001-12-14", "!!str `2001-12-14`"),
        List.of("2001-02-30", "2001-02-30", "!!str `2001-02-30`"),
        List.of("1:20", "1:20", "!!str `1:20`"),
        List.of("!!binary aGk=", "aGk=", "!!binary `aGk=`"))) {
      assertProblems(profile(refused.get(0)), "invalid modulus " + refused.get(1) + OWNER
          + ": cannot unmarshal " + refused.get(2) + " into uint64");
    }
  }

  /** Go leaves converting these floats to a uint64 to the machine: refused, not guessed. */
  @Test
  void refusesAFloatWhoseIntegerGoLeavesToTheMachine() {
    for (String written : List.of("-1.5", "-8.0", "1.8446744073709552e19")) {
      assertProblems(profile(written), "invalid modulus " + written + OWNER
          + ": cannot unmarshal !!float `" + (written.length() > 10
              ? written.substring(0, 7) + "..." : written) + "` into uint64");
    }
  }

  @Test
  void aFloatBelowOneIsAZeroModulus() {
    for (String written : List.of(".5", "0.9", "1e-3", "-0.5", "0x0", "-0")) {
      assertProblems(profile(written),
          "relabel configuration for hashmod requires non-zero modulus" + OWNER);
    }
  }

  /** Go reads 08 as no octal integer but the float 8: !!int 08 was the modulus 8. */
  @Test
  void anIntTagOnALeadingZeroThatIsNoOctalIsRefusedAsPrometheusRefusesIt() {
    for (String profile : List.of(profile("!!int 08"), "jobs:\n- name: x\n  role: node\n"
        + "  target: node-proxy\n  port: !!int 08\n")) {
      ValidationException e = assertThrows(ValidationException.class,
          () -> ScrapeProfile.parse(profile, "p.yml"));
      assertTrue(e.problems().get(0).contains("cannot decode !!float `08` as a !!int"),
          e.problems().toString());
    }
  }

  @Test
  void anIntTagOnAFloatIsRefusedAsPrometheusRefusesIt() {
    ValidationException e = assertThrows(ValidationException.class,
        () -> ScrapeProfile.parse(profile("!!int 8.5"), "p.yml"));
    assertTrue(e.problems().get(0).contains("cannot decode !!float `8.5` as a !!int"),
        e.problems().toString());
  }
}
