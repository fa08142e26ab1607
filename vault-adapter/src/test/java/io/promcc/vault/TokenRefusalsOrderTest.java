package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.Secret;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The order in which attempts' answers reach {@link TokenRefusals}, set by the test: an
 * attempt's answer may come after later attempts logged in with a credential fixed meanwhile.
 * The authenticator is two values the test sets (its count of logins, the credential its last
 * login read) and the file's content; no Vault, no time.
 */
class TokenRefusalsOrderTest {
  private static final CredentialDigest OLD = CredentialDigest.of(Secret.of("hvs.old"));
  private static final CredentialDigest FIXED = CredentialDigest.of(Secret.of("hvs.fixed"));
  /** The token the first login made, with the old credential, and the next one's. */
  private static final TokenOrigin OLD_TOKEN = new TokenOrigin(1, OLD);
  private static final TokenOrigin FIXED_TOKEN = new TokenOrigin(2, FIXED);

  private final AtomicLong logins = new AtomicLong(1);
  private final AtomicReference<CredentialDigest> lastRead = new AtomicReference<>(OLD);
  private final AtomicReference<CredentialDigest> inFile = new AtomicReference<>(OLD);
  private final TokenRefusals refusals = new TokenRefusals(logins::get, lastRead::get,
      inFile::get);

  {
    refusals.lookOn(Runnable::run); // each look ended as lookAtCredential returns
  }

  /** A refusal noted at no particular time (each look ends as it returns). */
  private void refused(long began, TokenOrigin used) {
    refusals.refused(began, used, Instant.EPOCH);
  }

  @Test
  void aLateRefusalOfTheOldTokenLeavesTheFixedOneWorking() {
    refused(refusals.attemptBegins(), OLD_TOKEN); // cluster a: the old token refused
    assertFalse(refusals.worksAgain());
    long b = refusals.attemptBegins(); // cluster b's, with the old token, waits for its answer
    inFile.set(FIXED);
    refusals.lookAtCredential(Instant.EPOCH);
    assertTrue(refusals.worksAgain(), "the file holds another token");
    logins.set(2); // cluster c, asked at once, logs in with the fixed token
    lastRead.set(FIXED);

    refused(b, OLD_TOKEN); // b's answer: the old token refused, after c's login
    assertTrue(refusals.worksAgain(), "b's attempt used the old token: the fixed one is not "
        + "known to be refused");
    refusals.issued(FIXED_TOKEN); // c's certificate, issued with the fixed token
    assertTrue(refusals.worksAgain(), "a certificate was issued with the fixed token");
  }

  @Test
  void theFixedTokenRefusedPutsTheClustersBackInTheirBackoff() {
    refused(refusals.attemptBegins(), OLD_TOKEN);
    inFile.set(FIXED);
    refusals.lookAtCredential(Instant.EPOCH);
    assertTrue(refusals.worksAgain());
    long c = refusals.attemptBegins(); // cluster c, asked at once, logs in with the fixed token
    logins.set(2);
    lastRead.set(FIXED);

    refused(c, FIXED_TOKEN); // c's own answer: the fixed token refused too
    assertFalse(refusals.worksAgain(), "the token in the file is refused as well");
    refusals.lookAtCredential(Instant.EPOCH);
    assertFalse(refusals.worksAgain(), "the file holds the token refused last");
  }

  @Test
  void aLateRefusalOfTheOldTokenAfterALoginNoObservationSawComingLeavesTheFixedOneWorking() {
    refused(refusals.attemptBegins(), OLD_TOKEN); // cluster a: the old token refused
    long b = refusals.attemptBegins(); // cluster b's, with the old token, waits for its answer
    inFile.set(FIXED); // no observation reads it before cluster c's backoff runs out
    long c = refusals.attemptBegins();
    logins.set(2); // c logs in with the fixed token
    lastRead.set(FIXED);

    refused(b, OLD_TOKEN); // b's answer: the old token refused, after c's login
    refusals.lookAtCredential(Instant.EPOCH);
    assertTrue(refusals.worksAgain(), "b's attempt used the old token: the fixed one in the "
        + "file is not known to be refused");
    assertEquals(c + 1, refusals.attemptBegins(), "the file was seen to change");
    refusals.issued(FIXED_TOKEN); // c's certificate, issued with the fixed token
    assertTrue(refusals.worksAgain(), "a certificate was issued with the fixed token");
  }

  @Test
  void aLateRefusalOfTheOldTokenLeavesACertificateIssuedWithTheFixedOneCounting() {
    refused(refusals.attemptBegins(), OLD_TOKEN);
    long b = refusals.attemptBegins();
    inFile.set(FIXED);
    logins.set(2); // c, its backoff run out, logs in with the fixed token; no observation yet
    lastRead.set(FIXED);

    refused(b, OLD_TOKEN);
    refusals.issued(FIXED_TOKEN);
    assertTrue(refusals.worksAgain(), "a certificate was issued with the fixed token, whose "
        + "login came after the old token's");
  }

  @Test
  void theFixedTokenRefusedAfterALoginNoObservationSawComingIsNoted() {
    refused(refusals.attemptBegins(), OLD_TOKEN);
    inFile.set(FIXED);
    long c = refusals.attemptBegins();
    logins.set(2);
    lastRead.set(FIXED);

    refused(c, FIXED_TOKEN); // c's own answer: the fixed token refused too
    refusals.lookAtCredential(Instant.EPOCH);
    assertFalse(refusals.worksAgain(), "the token in the file is refused as well");
  }

  @Test
  void aFileFixedWhileTheRefusedRequestWasUnderWayIsToldOnceTheRefusalIsNoted() {
    AtomicInteger told = new AtomicInteger();
    refusals.addChangeListener(told::incrementAndGet);
    long a = refusals.attemptBegins(); // cluster a asks with the old token
    inFile.set(FIXED); // fixed meanwhile, while nothing waits: the file's watch starts nothing
    assertFalse(refusals.waitsForCredential());

    refused(a, OLD_TOKEN); // a's answer: the old token refused
    assertEquals(1, told.get(), "the file fixed while the refused request was under way is "
        + "told once the refusal is noted, not at the next observation after the backoff");
    assertTrue(refusals.worksAgain(), "the file holds another token than the refused one");
  }
}
