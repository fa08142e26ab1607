package io.promcc.core.port;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ClusterId;
import io.promcc.core.model.InvalidValueException;
import io.promcc.core.model.Rejection;
import org.junit.jupiter.api.Test;

/**
 * A certificate source's failure as a cluster's problem, which reaches logs and Kubernetes
 * Events: an unexpected exception's text may quote a secret (an http client quotes header
 * values), so it is named by type and place; the project's named exceptions keep their text.
 */
class CertificateObservationTest {
  private static final ClusterId ALPHA = new ClusterId("alpha");

  @Test
  void anUnexpectedFailureIsNamedByTypeAndPlaceWithoutItsText() {
    IllegalStateException failure =
        new IllegalStateException("header Authorization: Bearer s3cr3t-token is invalid");

    Rejection problem = CertificateObservation.problemOf(ALPHA, failure);

    assertEquals(CertificateObservation.SOURCE_FAILED, problem.reason());
    assertFalse(problem.message().contains("s3cr3t"), problem.message());
    assertEquals("the certificate source failed for cluster \"alpha\" unexpectedly with "
        + "java.lang.IllegalStateException at " + failure.getStackTrace()[0]
        + " (its message is left out: it may quote a secret)", problem.message());
  }

  @Test
  void aNamedFailureOfTheProjectKeepsItsMessage() {
    InvalidValueException failure = new InvalidValueException("certificate", "x", "is bad");

    Rejection problem = CertificateObservation.problemOf(ALPHA, failure);

    assertEquals(CertificateObservation.SOURCE_FAILED, problem.reason());
    assertEquals("the certificate source failed for cluster \"alpha\": " + failure,
        problem.message());
    assertTrue(problem.message().contains("is bad"), problem.message());
  }

  @Test
  void theUnavailableExceptionOfThePortIsTheProblemAsItIs() {
    Rejection problem = CertificateObservation.problemOf(ALPHA,
        new CertificateUnavailableException(ALPHA, "vault-sealed", "vault is sealed"));

    assertEquals(new Rejection("alpha", "vault-sealed", "vault is sealed"), problem);
  }
}
