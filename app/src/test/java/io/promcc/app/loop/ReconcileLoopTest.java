package io.promcc.app.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Rejection;
import io.promcc.core.plan.Planner;
import io.promcc.core.port.FakeCertificateSource;
import io.promcc.core.port.FakeClusterSource;
import io.promcc.core.port.FakeConfigStore;
import io.promcc.core.port.FakePrometheusControl;
import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.reconcile.Reconciler;
import io.promcc.core.testing.TestCertificates;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The loop with the real reconciler: a new rejection logged once, idle turns that write and
 * reload nothing, and one reconcile at a time.
 */
class ReconcileLoopTest extends ReconcileLoopFixture {
  @Test
  void aNewRejectionIsLoggedAlsoWhenTheConfigDoesNotChangeAndOnlyOnce() {
    List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Logger logger =
        java.util.logging.Logger.getLogger(ReconcileLoop.class.getName());
    java.util.logging.Handler handler = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord record) {
        lines.add(record.getMessage());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    logger.addHandler(handler);
    try {
      Rejection bad = new Rejection("service \"x/master\"", "invalid-port",
          "port of service \"x/master\" must be between 1 and 65535, found \"0\"");
      java.util.concurrent.atomic.AtomicReference<List<Rejection>> rejected =
          new java.util.concurrent.atomic.AtomicReference<>(List.of());
      ReconcileLoop loop = loop(() -> new ReconcileResult(Outcome.UNCHANGED, "",
          Optional.empty(), Optional.empty(), List.of(), List.of(), List.of(), new TreeMap<>(),
          List.of(), rejected.get(), new TreeMap<>(), true, false, false,
          Optional.empty(), new TreeMap<>()));
      loop.tick();
      rejected.set(List.of(bad));
      loop.trigger("service x/master");
      clock.advance(DEBOUNCE);
      assertTrue(loop.tick());
      assertEquals(List.of("left out: " + bad),
          lines.stream().filter(l -> l.startsWith("left out")).toList());
      loop.trigger("something else");
      clock.advance(DEBOUNCE);
      assertTrue(loop.tick());
      assertEquals(1, lines.stream().filter(l -> l.startsWith("left out")).count(),
          "a rejection already logged is not logged again: " + lines);
    } finally {
      logger.removeHandler(handler);
    }
  }

  @Test
  void idleMeansNoWriteAndNoReloadOverTenMinutesWithTheRealReconciler() {
    FakeConfigStore store = new FakeConfigStore();
    FakePrometheusControl prometheus = new FakePrometheusControl(clock, store::readOwned);
    Reconciler reconciler = Reconciler.builder()
        .clusterSource(new FakeClusterSource(GuestCluster.of("a", "aws", "https://a.example")))
        .certificateSource(new FakeCertificateSource(id -> TestCertificates.bundle()))
        .planner(Planner.withDefaults()).store(store).prometheus(prometheus).clock(clock)
        .backgroundExecutor(Runnable::run).build();
    ReconcileLoop loop = loop(reconciler::reconcile);
    clock.advance(Duration.ofSeconds(2));
    loop.tick();
    int writes = store.writes().size();
    int reloads = prometheus.reloads();

    runFor(loop, Duration.ofMinutes(10), Duration.ofSeconds(1));

    assertEquals(3, runs.size(), "the first run and two resyncs");
    assertEquals(writes, store.writes().size());
    assertEquals(reloads, prometheus.reloads());
    assertTrue(results.stream().skip(1).allMatch(r -> r.outcome() == Outcome.UNCHANGED));
  }

  @Test
  void oneReconcileAtATime() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger concurrent = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    ReconcileLoop loop = loop(() -> {
      most.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
      inside.countDown();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      concurrent.decrementAndGet();
      return result(Outcome.UNCHANGED, Optional.empty());
    });
    Thread first = new Thread(loop::tick);
    first.start();
    assertTrue(inside.await(30, TimeUnit.SECONDS));
    loop.trigger("during the run");
    clock.advance(Duration.ofSeconds(5));
    assertFalse(loop.tick(), "a second reconcile must not start while one runs");
    release.countDown();
    first.join(30_000);
    assertTrue(loop.tick(), "the trigger that came during the run is served after it");
    assertEquals(1, most.get());
  }
}
