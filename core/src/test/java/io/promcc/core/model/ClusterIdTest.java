package io.promcc.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClusterIdTest {
  private static final String NOT_A_LABEL = "cluster id must be a DNS-1123 label (lower-case "
      + "letters, digits and '-', starting and ending with a letter or digit), found ";

  @ParameterizedTest
  @ValueSource(strings = {"a", "0", "abc", "a-b", "a--b", "123", "x1-y2",
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
  void acceptsDnsLabelsUpTo63Characters(String value) {
    assertEquals(value, ClusterId.of(value).value());
    assertEquals(value, ClusterId.of(value).toString());
  }

  @Test
  void rejectsTheEmptyString() {
    InvalidValueException e = assertThrows(InvalidValueException.class, () -> ClusterId.of(""));
    assertEquals("cluster id must not be empty, found \"\"", e.getMessage());
    assertEquals("cluster id", e.field());
    assertEquals("", e.value());
  }

  @Test
  void rejects64Characters() {
    String value = "a".repeat(64);
    InvalidValueException e = assertThrows(InvalidValueException.class, () -> ClusterId.of(value));
    assertEquals("cluster id must be at most 63 characters long, found \"" + value + "\"",
        e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"Abc", "-a", "a-", "a.b", "a_b", "../x", "a b", "é", "a:b"})
  void rejectsWhatIsNotADnsLabelQuotingTheValue(String value) {
    InvalidValueException e = assertThrows(InvalidValueException.class, () -> ClusterId.of(value));
    assertEquals(NOT_A_LABEL + "\"" + value + "\"", e.getMessage());
    assertEquals(value, e.value());
  }

  @Test
  void escapesControlCharactersInTheMessage() {
    InvalidValueException e = assertThrows(InvalidValueException.class,
        () -> ClusterId.of("a\nb\"\u2028\u0000"));
    assertEquals(NOT_A_LABEL + "\"a\\nb\\\"\\u2028\\u0000\"", e.getMessage());
  }

  @Test
  void rejectsNullWithTheParameterName() {
    NullPointerException e = assertThrows(NullPointerException.class, () -> ClusterId.of(null));
    assertEquals("value == null", e.getMessage());
  }

  @Test
  void ordersByValue() {
    assertEquals(-1, Integer.signum(ClusterId.of("a").compareTo(ClusterId.of("a-b"))));
    assertEquals(0, ClusterId.of("x1").compareTo(ClusterId.of("x1")));
  }
}
