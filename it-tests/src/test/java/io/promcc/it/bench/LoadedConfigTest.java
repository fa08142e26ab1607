package io.promcc.it.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The wait for a loaded config survives a failed request for it. */
class LoadedConfigTest {
  @Test
  void aFailedRequestForTheLoadedConfigIsAskedAgainWithoutAnotherLoad() {
    AtomicInteger requests = new AtomicInteger();
    LoadedConfig.await(() -> 1, () -> {
      if (requests.incrementAndGet() == 1) {
        throw new IOException("request timed out");
      }
      return "job_name: guest-cluster-a-api";
    }, 0, "guest-cluster-a-", Duration.ofSeconds(30), Duration.ofMillis(1), () -> "");

    assertEquals(2, requests.get(), "one failed request, one that saw the job");
  }
}
