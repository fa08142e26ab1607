package io.promcc.app;

import io.promcc.app.run.PrometheusCallBound;
import java.time.Duration;

/**
 * {@code promcc} as {@link Main} runs it, but for its {@code check}'s calls to Prometheus, which
 * may take {@link #CALL_SECONDS} each where promcc gives them 10 s: the tests of a {@code promcc
 * check} process on a busy 2-core machine, where that JVM's first TLS handshake, cold, may take
 * longer (a call failed so, "no answer within PT10S", at a load average of 22).
 */
final class PatientCheckMain {
  /** Less than the tests give the whole process (180 s), more than a busy machine needs. */
  static final long CALL_SECONDS = 120;

  private PatientCheckMain() {}

  public static void main(String[] args) {
    System.exit(Main.execute(Main.commandLine(System.getenv(),
        new PrometheusCallBound(Duration.ofSeconds(CALL_SECONDS))), args));
  }
}
