package io.promcc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.kube.fake.ApiResource;
import io.promcc.kube.fake.FakeRequest;
import io.promcc.kube.fake.Faults;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 5: faults of the host Kubernetes API. While the controller's watch of Services is
 * dropped, expired with 410 Gone, ended by {@code ERROR} events, while its lists get 500s and
 * 429s, and while its watch goes silent (a stalled connection), no cluster leaves the config
 * Prometheus has loaded or the file the controller wrote (a sampler reads both all along), and a
 * change made while the controller cannot see it (a provider label, a new cluster, a deleted
 * one) is in Prometheus after the fault ends.
 *
 * <p>The silent watch is noticed only by the controller's own read timeout: the watch timeout
 * plus a grace (the timeout itself, at most 30 s). The controller runs with
 * {@code --watch-timeout 3s}, so a stall is given up within about 6 s; the default of 5 minutes
 * would not be within this test's bounds.
 */
class HostApiFaultsIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final Duration WATCH_TIMEOUT = Duration.ofSeconds(3);
  /** How long the dropped watch has been open: past a very short watch, short of its timeout. */
  private static final Duration LASTED = Duration.ofMillis(1500);
  private static final Duration NEW_WATCH_POLL = Duration.ofMillis(20);
  /**
   * How long the controller's watches must work, with no failure, before its pause after
   * failures starts over (docs/kube-adapter.md; kube-adapter's FailureBackoff.MAX).
   */
  private static final Duration PAUSES_START_OVER = Duration.ofSeconds(30);
  private static final Predicate<FakeRequest> SERVICE_LISTS =
      r -> r.method().equals("GET") && r.isFor(ApiResource.SERVICES) && !r.isWatch();
  private static final Predicate<FakeRequest> SERVICE_WATCHES =
      r -> r.isFor(ApiResource.SERVICES) && r.isWatch();

  @TempDir
  Path dir;

  private KubernetesModeStack stack;
  private GuestApi guest;
  /** {@link System#nanoTime()} when the host API fake last got a watch of Services. */
  private final AtomicLong serviceWatchAt = new AtomicLong();

  @AfterEach
  void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void noClusterIsDroppedForAnApiErrorAndChangesDuringAnOutageAppearAfterIt() throws Exception {
    stack = KubernetesModeStack.builder(dir, ItEnvironment.appJar(), ItEnvironment.prometheus())
        .controllerFlag("watch-timeout", WATCH_TIMEOUT.toSeconds() + "s")
        // one PKI mount for every cluster, so that one guest API serves them all
        .controllerFlag("vault-pki-mount", "pki-shared")
        .controllerFlag("vault-pki-role", "role-shared")
        .hostRequests(request -> {
          if (SERVICE_WATCHES.test(request)) {
            serviceWatchAt.set(System.nanoTime());
          }
        })
        .create();
    guest = stack.startGuest("shared");
    stack.putService("steady-a", guest, "aws");
    stack.putService("steady-b", guest, "aws");
    stack.putService("moving", guest, "p0");
    stack.start();
    awaitLoaded("steady-a", "steady-b", "moving");

    List<String> timings = new ArrayList<>();
    Faults faults = stack.host().faults();
    try (LoadedJobsSampler sampler = new LoadedJobsSampler(stack.prometheus(),
        stack.outDir().resolve("prometheus.yml"), Set.of("steady-a", "steady-b"))) {
      // 1. the watch is dropped (ends cleanly, as on a server-side timeout) once it has lasted
      dropAWatchThatLasted(faults);
      stack.putService("moving", guest, "p1");
      timings.add("dropped watch: " + awaitProvider("p1"));

      // 2. lists answer 500 while the watch is expired with 410 Gone: the informer must list
      //    again and cannot; a change meanwhile appears once lists work again
      faults.fail(Faults.ALWAYS, 500, SERVICE_LISTS);
      long failedBefore = stack.host().requestCount(SERVICE_LISTS);
      faults.expireWatches();
      awaitFailedLists(failedBefore, 2);
      stack.putService("moving", guest, "p2");
      stack.putService("added", guest, "aws");
      awaitFailedLists(stack.host().requestCount(SERVICE_LISTS), 1);
      faults.clear();
      timings.add("410 Gone + lists 500: " + awaitProvider("p2"));
      awaitLoaded("added");
      awaitThroughTheWatch("p2-watched");
      awaitPausesStartedOver();

      // 3. lists answer 429 (plain text, Retry-After 1) after another 410 Gone
      faults.throttle(Faults.ALWAYS, 1, SERVICE_LISTS);
      failedBefore = stack.host().requestCount(SERVICE_LISTS);
      faults.expireWatches();
      awaitFailedLists(failedBefore, 2);
      stack.putService("moving", guest, "p3");
      stack.deleteService("added");
      faults.clear();
      timings.add("410 Gone + lists 429: " + awaitProvider("p3"));
      stack.awaitGone("added", WAIT);
      awaitThroughTheWatch("p3-watched");
      awaitPausesStartedOver();

      // 4. watch ERROR events (500): the open watch and the next three watches
      faults.failWatchesWithErrorEvent(3, 500, SERVICE_WATCHES);
      faults.errorWatches(500, "etcdserver: request timed out");
      stack.putService("moving", guest, "p4");
      timings.add("ERROR events: " + awaitProvider("p4"));
      faults.clear();
      awaitThroughTheWatch("p4-watched");
      awaitPausesStartedOver();

      // 5. the watch goes silent without ending (a partition): only the read timeout notices.
      //    Once the controller gives the open watch up, it lists and watches again, and that
      //    watch is silent from its start: a change now reaches it only through the next list,
      //    after this watch's read timeout
      faults.stallWatches();
      long watchesBefore = stack.host().requestCount(SERVICE_WATCHES);
      Wait.until(WAIT, Wait.DEFAULT_INTERVAL, "a new watch of services during the stall",
          () -> stack.host().requestCount(SERVICE_WATCHES) > watchesBefore,
          () -> stack.controller().log().tail(20));
      // the watch open at the change: its read timeout counts from when it came, which a test
      // thread late on a busy machine may see only seconds later
      long watchOpened = serviceWatchAt.get();
      stack.putService("moving", guest, "p5");
      Duration stalled = awaitProvider("p5");
      Duration sinceWatch = Duration.ofMillis((System.nanoTime() - watchOpened) / 1_000_000);
      timings.add("stalled watch: " + stalled + " (" + sinceWatch + " since the watch came)");
      faults.clear();
      // at least the watch timeout passes from the watch's start; then the grace, a list, a
      // debounce and a reload
      assertTrue(sinceWatch.compareTo(WATCH_TIMEOUT) >= 0,
          "the change behind the stalled watch was loaded " + sinceWatch + " after the watch "
              + "came, " + stalled + " after the change");
      assertTrue(stalled.compareTo(WATCH_TIMEOUT.multipliedBy(2).plusSeconds(30)) < 0,
          "the change behind the stalled watch took " + stalled);

      assertTrue(sampler.reads() >= 20, "only " + sampler.reads() + " reads");
      assertEquals(List.of(), sampler.missing(), "steady clusters dropped during API faults");
      System.out.printf("HostApiFaultsIT: %d reads of Prometheus' loaded jobs and the file, no"
          + " steady cluster missing; change to loaded: %s%n", sampler.reads(), timings);
    }
    awaitLoaded("steady-a", "steady-b", "moving");
    assertTrue(stack.controller().isAlive());
  }

  /**
   * Ends the open watch of services cleanly once it has been open {@link #LASTED}: one ended
   * within a second of its request with no event is a very short watch, and the next waits
   * its pause (1 s, as client-go's reflector; docs/kube-adapter.md), which would add a second
   * to this step whenever the drop fell in the first second of the watch's
   * {@link #WATCH_TIMEOUT}.
   */
  private void dropAWatchThatLasted(Faults faults) {
    long before = stack.host().requestCount(SERVICE_WATCHES);
    Wait.until(WAIT, NEW_WATCH_POLL, "a new watch of services",
        () -> stack.host().requestCount(SERVICE_WATCHES) > before,
        () -> stack.controller().log().tail(20));
    long opened = System.nanoTime();
    Wait.until(WAIT, NEW_WATCH_POLL, "the new watch of services open " + LASTED,
        () -> System.nanoTime() - opened >= LASTED.toNanos(), () -> "");
    faults.closeWatches();
  }

  /** Waits until the moving cluster's provider label in Prometheus' loaded config is {@code p}. */
  private Duration awaitProvider(String provider) {
    long start = System.nanoTime();
    Wait.until(WAIT, Wait.DEFAULT_INTERVAL, "provider " + provider + " of cluster moving loaded",
        () -> stack.prometheus().loadedConfig().contains("replacement: " + provider + "\n"),
        () -> stack.diagnostics("moving"));
    return Duration.ofMillis((System.nanoTime() - start) / 1_000_000);
  }

  /**
   * Changes the moving cluster's provider to {@code provider} once the fault is over and waits
   * until it is loaded: a change a watch brings, since nothing fails that would list again.
   */
  private void awaitThroughTheWatch(String provider) {
    stack.putService("moving", guest, provider);
    awaitProvider(provider);
  }

  /**
   * Waits until the controller's pause after failures (0.8 s doubling to 30 s, kept from one
   * failure to the next) has started over, so that the next step's time is its own, not added
   * to the pauses this one left: an event through a watch does not start it over (a watch that
   * flaps would be listed again every 0.8 s), watches that worked {@link #PAUSES_START_OVER}
   * since the first after the last failure do. That watch was open before the change just
   * brought through it ({@link #awaitThroughTheWatch}) was loaded, so the wait counts from now;
   * a list of services meanwhile (a failure, or a 410 Gone) counts it from that list again.
   */
  private void awaitPausesStartedOver() {
    long[] from = {System.nanoTime(), stack.host().requestCount(SERVICE_LISTS)};
    Wait.until(WAIT, Wait.DEFAULT_INTERVAL, "the controller's watches of services working for "
        + PAUSES_START_OVER.toSeconds() + " s with no list between", () -> {
          long lists = stack.host().requestCount(SERVICE_LISTS);
          if (lists != from[1]) {
            from[0] = System.nanoTime();
            from[1] = lists;
          }
          return System.nanoTime() - from[0] >= PAUSES_START_OVER.toNanos();
        }, () -> stack.controller().log().tail(20));
  }

  /** Waits until at least {@code more} lists of Services after {@code before} were refused. */
  private void awaitFailedLists(long before, int more) {
    Wait.until(WAIT, Wait.DEFAULT_INTERVAL, more + " more lists of services",
        () -> stack.host().requestCount(SERVICE_LISTS) >= before + more,
        () -> stack.controller().log().tail(20));
  }

  private void awaitLoaded(String... ids) {
    for (String id : ids) {
      Wait.until(WAIT, Wait.DEFAULT_INTERVAL, "jobs of " + id + " loaded",
          () -> !stack.loadedJobsOf(id).isEmpty(), () -> stack.diagnostics(id));
    }
  }
}
