package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.VersionApi;
import io.promcc.kube.fake.ApiResource;
import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.Faults;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the tests of {@link LeaderElection} against one API fake share: the fake (closed after
 * each test), a fake ticker (monotonic nanoseconds) that stepped elections run on, elections
 * made stepped or running and closed after each test, each candidate's started and stopped
 * callbacks (checked to alternate after each test), and the "never two leaders" check.
 */
abstract class LeaderElectionFixture {
  static final Duration WAIT = Duration.ofSeconds(30);
  static final String NS = "monitoring";
  static final String LEASE = "promcc-prometheus";
  // stepped tests run on the fake ticker, so these only set the arithmetic, and the retry
  // period (each call's deadline, in real time) can be one a busy machine always meets
  static final Duration LEASE_DURATION = Duration.ofSeconds(60);
  static final Duration RENEW_DEADLINE = Duration.ofSeconds(40);
  static final Duration RETRY = Duration.ofSeconds(20);

  FakeKubeApi fake;
  final AtomicLong ticker = new AtomicLong(1_000_000_000L);
  final List<LeaderElection> elections = new ArrayList<>();
  final Map<String, List<String>> events = new ConcurrentHashMap<>();

  @BeforeEach
  void setUp() {
    fake = FakeKubeApi.start();
  }

  @AfterEach
  void tearDown() {
    elections.forEach(LeaderElection::close);
    events.values().forEach(LeaderElectionFixture::assertAlternating);
    fake.close();
  }

  ApiClient client(String identity) {
    ApiClient client = fake.newClient();
    // lets a fault rule pick this elector's requests
    client.setUserAgent(identity);
    try {
      // warm up classes and the TLS connection: lease calls have only a retry period to finish
      new VersionApi(client).getCode().execute();
    } catch (ApiException e) {
      throw new AssertionError(e);
    }
    return client;
  }

  static LeaderElectionSettings settings(String identity) {
    return new LeaderElectionSettings(NS, LEASE, identity, LEASE_DURATION, RENEW_DEADLINE, RETRY);
  }

  /** An election stepped by the test on {@link #ticker}; never started. */
  LeaderElection stepped(String identity) {
    return record(identity, new LeaderElection(client(identity), settings(identity),
        Clock.systemUTC(), ticker::get));
  }

  /** An election running on its own thread and the real monotonic clock. */
  LeaderElection running(String identity, LeaderElectionSettings settings) {
    LeaderElection election = record(identity,
        new LeaderElection(client(identity), settings, Clock.systemUTC()));
    election.start();
    return election;
  }

  LeaderElection record(String identity, LeaderElection election) {
    List<String> log = events.computeIfAbsent(identity, k -> new CopyOnWriteArrayList<>());
    election.addListener(new LeadershipListener() {
      @Override
      public void startedLeading() {
        log.add("started");
      }

      @Override
      public void stoppedLeading() {
        log.add("stopped");
      }
    });
    elections.add(election);
    return election;
  }

  void advance(Duration by) {
    ticker.addAndGet(by.toNanos());
  }

  /** Steps each election in turn, checking mutual exclusion after every step. */
  void stepAll(LeaderElection... all) {
    for (LeaderElection election : all) {
      election.step();
      assertOneLeader(all);
    }
  }

  static void assertOneLeader(LeaderElection... all) {
    assertOneLeader(Arrays.stream(all).map(e -> (BooleanSupplier) e::isLeader)
        .toArray(BooleanSupplier[]::new));
  }

  /** Fails at once if more than one of {@code leaders} reports leadership. */
  static void assertOneLeader(BooleanSupplier... leaders) {
    long count = Arrays.stream(leaders).filter(BooleanSupplier::getAsBoolean).count();
    assertTrue(count <= 1, count + " leaders at once");
  }

  /** Started and stopped strictly alternate, starting with started. */
  static void assertAlternating(List<String> log) {
    for (int i = 0; i < log.size(); i++) {
      assertEquals(i % 2 == 0 ? "started" : "stopped", log.get(i), "events " + log);
    }
  }

  String holder() {
    JsonObject spec = fake.store().get(ApiResource.LEASES, NS, LEASE).getAsJsonObject("spec");
    return spec != null && spec.has("holderIdentity") ? spec.get("holderIdentity").getAsString()
        : "";
  }

  void failRequestsOf(String identity) {
    fake.faults().fail(Faults.ALWAYS, 500,
        r -> r.header("user-agent").map(identity::equals).orElse(false));
  }
}
