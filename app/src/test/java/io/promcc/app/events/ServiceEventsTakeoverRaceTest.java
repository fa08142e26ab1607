package io.promcc.app.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ClusterId;
import io.promcc.core.model.Rejection;
import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.kube.LeaderElection;
import io.promcc.kube.LeaderElectionSettings;
import io.promcc.kube.LeadershipListener;
import io.promcc.kube.fake.ApiResource;
import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.Poll;
import io.promcc.kube.fake.Selector;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A replica that takes over the Lease re-offers the last result it saw ({@code startedLeading},
 * on the election's thread) while the reconcile loop offers its newer results on its own thread.
 * The re-offer must not replace a newer result: the Events published are those of the newest
 * reconcile, never those of one a later reconcile superseded (a Service fixed meanwhile must not
 * get a Warning Event for the problem it no longer has).
 */
class ServiceEventsTakeoverRaceTest {
  private static final String WORKER = "promcc-service-events";
  private static final String ELECTION = "promcc-leader-election";

  /** A result in which cluster {@code id} waits for its certificate. */
  private static ReconcileResult waiting(String id) {
    return new ReconcileResult(Outcome.UNCHANGED, "", Optional.empty(), Optional.empty(),
        List.of(), List.of(), List.of(), new TreeMap<>(),
        List.of(new Rejection(id, "certificate-missing", "no certificate for " + id + " yet")),
        List.of(), new TreeMap<>(), true, false, false, Optional.empty(), new TreeMap<>());
  }

  private static int events(FakeKubeApi fake, String namespace) {
    return fake.store().list(ApiResource.EVENTS, namespace, Selector.everything(),
        Selector.everything()).size();
  }

  private static void await(CountDownLatch latch, String what) throws InterruptedException {
    assertTrue(latch.await(30, TimeUnit.SECONDS), "timed out waiting for " + what);
  }

  private static void hold(CountDownLatch reached, CountDownLatch gate) {
    reached.countDown();
    try {
      gate.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void aTakeoverReOfferDoesNotReplaceTheNewerResultOfTheLoop() throws Exception {
    CountDownLatch workerHeld = new CountDownLatch(1);
    CountDownLatch workerGate = new CountDownLatch(1);
    CountDownLatch electionHeld = new CountDownLatch(1);
    CountDownLatch electionGate = new CountDownLatch(1);
    CountDownLatch takeoverOffered = new CountDownLatch(1);
    // the Service of cluster X is X/master; the seam holds the publisher on c0 (so that the
    // results offered meanwhile wait for it) and the election's re-offer on c1
    Function<ClusterId, Optional<String>> serviceOf = id -> {
      String thread = Thread.currentThread().getName();
      if (thread.equals(WORKER) && id.value().equals("c0")) {
        hold(workerHeld, workerGate);
      } else if (thread.equals(ELECTION) && id.value().equals("c1")) {
        hold(electionHeld, electionGate);
      }
      return Optional.of(id.value() + "/master");
    };
    try (FakeKubeApi fake = FakeKubeApi.start();
        LeaderElection election = new LeaderElection(fake.newClient(),
            new LeaderElectionSettings("monitoring", "promcc", "replica-a",
                Duration.ofSeconds(60), Duration.ofSeconds(40), Duration.ofSeconds(20)),
            Clock.systemUTC());
        ServiceEvents events = new ServiceEvents(fake.newClient(), Optional.of(election),
            serviceOf, "replica-a", Clock.systemUTC(), 60)) {
      // told after ServiceEvents' own listener has returned
      election.addListener(new LeadershipListener() {
        @Override
        public void startedLeading() {
          takeoverOffered.countDown();
        }
      });
      try {
        events.offer(waiting("c0")); // the publisher takes it and is held on it
        await(workerHeld, "the publisher to take the first result");
        events.offer(waiting("c1")); // the last result before the takeover

        election.start(); // it leads and re-offers the last result it saw: c1's
        // held while it looks the result's Services up, if it does (it need not: the offer that
        // made the result the latest did), else once it has returned
        Poll.until(Duration.ofSeconds(30), "the takeover's re-offer",
            () -> electionHeld.getCount() == 0 || takeoverOffered.getCount() == 0);
        // meanwhile the loop's next reconcile: c1 got its certificate, c2 waits now
        events.offer(waiting("c2"));
        electionGate.countDown();
        await(takeoverOffered, "the takeover's re-offer to return");
        workerGate.countDown();

        Poll.until(Duration.ofSeconds(30), "an Event of the result published after c0's",
            () -> events(fake, "c1") + events(fake, "c2") > 0);
        assertEquals(0, events(fake, "c1"),
            "c1 got an Event from the result the newer one (c2 waits, c1 does not) replaced");
        assertEquals(1, events(fake, "c2"), "the newest result's Event");
      } finally {
        workerGate.countDown();
        electionGate.countDown();
      }
    }
  }
}
