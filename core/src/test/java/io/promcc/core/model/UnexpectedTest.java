package io.promcc.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UnexpectedTest {
  @Test
  void namesTheTypeAndThePlaceNeverTheText() {
    IllegalStateException e = new IllegalStateException("Authorization: Bearer s3cr3t");

    String named = Unexpected.named(e, "a token");

    assertTrue(named.startsWith("java.lang.IllegalStateException at io.promcc.core.model."
        + "UnexpectedTest.namesTheTypeAndThePlaceNeverTheText(UnexpectedTest.java:"), named);
    assertTrue(named.endsWith(") (its message is left out: it may quote a token)"), named);
    assertFalse(named.contains("s3cr3t"), named);
  }

  @Test
  void anExceptionWithoutAStackTraceIsNamedByItsTypeAlone() {
    IllegalStateException e = new IllegalStateException("s3cr3t");
    e.setStackTrace(new StackTraceElement[0]);

    assertEquals("java.lang.IllegalStateException (its message is left out: it may quote a "
        + "secret)", Unexpected.named(e, "a secret"));
  }
}
