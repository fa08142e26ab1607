package io.promcc.bench;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.port.CertificateObservation;
import io.promcc.core.testing.MutableClock;
import io.promcc.vault.CertificateListener;
import io.promcc.vault.IssueMode;
import io.promcc.vault.KeptCertificates;
import io.promcc.vault.RenewalPolicy;
import io.promcc.vault.VaultAuthSettings;
import io.promcc.vault.VaultAuthenticator;
import io.promcc.vault.VaultCertificateSource;
import io.promcc.vault.VaultConnection;
import io.promcc.vault.VaultSettings;
import io.promcc.vault.fake.FakeVault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Vault at scale (issue 13, section 4): client certificates for N guest clusters (1,000 by
 * default) issued and then renewed by {@link VaultCertificateSource} against the Vault fake of
 * vault-adapter's tests ({@link FakeVault}: one PKI mount and CA per cluster, real certificates)
 * with a latency added to every Vault answer (5 ms by default), for each concurrency (most Vault
 * calls in flight: 1, 2, 4, 8, 16), every scenario repeated, and medians reported.
 *
 * <p>One run of a scenario, on a fresh source and a fresh token, the clock of source and fake
 * moved by hand:
 * <ol>
 *   <li><b>issue</b>: {@code observe(all clusters)} with nothing cached: one certificate each;
 *   <li><b>nothing due</b>: an hour later, {@code observe} again: must make no Vault call;
 *   <li><b>renew</b>: past the renewal threshold of every certificate (two thirds of the 168 h
 *       lifetime, plus an hour), {@code observe}: every certificate renewed;
 *   <li><b>nothing due</b> again, an hour after the renewal: no Vault call.
 * </ol>
 * The harness fails (exit 1) if a pass with nothing due makes any Vault call, if a pass does not
 * return a certificate for every cluster, or if the renewal returns any certificate of the first
 * pass. Repetition {@code r} runs the concurrencies in an order rotated by {@code r}, so no
 * concurrency always runs first or last. The adapter's log is set to warnings only (its one INFO
 * line per certificate would otherwise time the console).
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.promcc.bench.VaultAtScale [--clusters 1000]
 *     [--repeats 3] [--concurrency 1,2,4,8,16] [--latency-ms 5] [--mode sign|issue]
 * </pre>
 */
public final class VaultAtScale {
  private static final String TOKEN_VARIABLE = "BENCH_VAULT_TOKEN";
  private static final String DOMAIN = "k8s.example";
  private static final int WARM_UP_CLUSTERS = 200;
  // held, so that the level set on it stays: one INFO line per certificate would time the console
  private static final Logger VAULT_LOG = Logger.getLogger("io.promcc.vault");

  private VaultAtScale() {}

  /** The command line. */
  record Options(int clusters, int repeats, List<Integer> concurrencies, Duration latency,
      IssueMode mode) {
    static final String USAGE = "usage: VaultAtScale [--clusters N] [--repeats R]"
        + " [--concurrency C,...] [--latency-ms MS] [--mode sign|issue]";

    /**
     * @throws IllegalArgumentException naming the bad argument
     */
    static Options parse(String... args) {
      int clusters = 1000;
      int repeats = 3;
      List<Integer> concurrencies = List.of(1, 2, 4, 8, 16);
      Duration latency = Duration.ofMillis(5);
      IssueMode mode = IssueMode.SIGN;
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        if (!List.of("--clusters", "--repeats", "--concurrency", "--latency-ms", "--mode")
            .contains(arg)) {
          throw new IllegalArgumentException("unknown argument \"" + arg + "\"");
        }
        if (i + 1 == args.length) {
          throw new IllegalArgumentException("missing value of " + arg);
        }
        String value = args[++i];
        switch (arg) {
          case "--clusters" -> clusters = RenderOptions.count(arg, value, 1);
          case "--repeats" -> repeats = RenderOptions.count(arg, value, 1);
          case "--concurrency" -> {
            List<Integer> parsed = new ArrayList<>();
            for (String part : value.split(",")) {
              parsed.add(RenderOptions.count(arg, part, 1));
            }
            concurrencies = List.copyOf(parsed);
          }
          case "--latency-ms" -> latency = Duration.ofMillis(RenderOptions.count(arg, value, 0));
          case "--mode" -> mode = switch (value) {
            case "sign" -> IssueMode.SIGN;
            case "issue" -> IssueMode.ISSUE;
            default -> throw new IllegalArgumentException("--mode must be sign or issue, got \""
                + value + "\"");
          };
          default -> throw new AssertionError(arg);
        }
      }
      return new Options(clusters, repeats, concurrencies, latency, mode);
    }
  }

  /**
   * One run of one scenario: wall time in nanoseconds and Vault requests of each pass, and the
   * most Vault requests the fake saw in flight at once during the issue pass.
   */
  record Run(int concurrency, long issueNanos, long issueRequests, long idleNanos,
      long idleRequests, long restartNanos, long restartRequests, long renewNanos,
      long renewRequests, long idleAfterRenewNanos, long idleAfterRenewRequests,
      int maxInFlight) {}

  /** A pass with nothing due asked Vault, or a pass came back incomplete. */
  static final class BrokenPromiseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BrokenPromiseException(String message) {
      super(message);
    }
  }

  public static void main(String[] args) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("vault-at-scale: " + e.getMessage());
      System.err.println(Options.USAGE);
      System.exit(2);
      return;
    }
    try {
      run(options);
    } catch (BrokenPromiseException e) {
      System.err.println("vault-at-scale: " + e.getMessage());
      System.exit(1);
    }
  }

  static Map<Integer, List<Run>> run(Options options) {
    System.out.println("start: " + Stats.machine());
    System.out.printf(Locale.ROOT, "clusters %d, mode %s, Vault latency %d ms, concurrency %s,"
            + " %d repeats%n", options.clusters(), options.mode(), options.latency().toMillis(),
        options.concurrencies(), options.repeats());
    MutableClock clock = MutableClock.startingNow();
    Map<Integer, List<Run>> runs = new LinkedHashMap<>();
    try (FakeVault vault = FakeVault.start(clock)) {
      vault.latency(options.latency());
      List<GuestCluster> clusters = new ArrayList<>();
      for (int i = 0; i < options.clusters(); i++) {
        String id = String.format(Locale.ROOT, "c%05d", i);
        clusters.add(GuestCluster.of(id, "bench", "https://" + id + ".example"));
      }
      roles(vault, clusters);
      // warm-up: JIT, class loading, connection pool (unreported)
      runOnce(vault, clock, clusters.subList(0, Math.min(WARM_UP_CLUSTERS, clusters.size())),
          options.mode(), 4);

      System.out.println("| repeat | concurrency | issue | requests | nothing due | requests"
          + " | restart | requests | renew | requests | nothing due | requests"
          + " | most in flight |");
      System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
      options.concurrencies().forEach(c -> runs.put(c, new ArrayList<>()));
      for (int repeat = 0; repeat < options.repeats(); repeat++) {
        for (int concurrency : rotated(options.concurrencies(), repeat)) {
          Run run = runOnce(vault, clock, clusters, options.mode(), concurrency);
          runs.get(concurrency).add(run);
          System.out.printf(Locale.ROOT,
              "| %d | %d | %s | %d | %s | %d | %s | %d | %s | %d | %s | %d | %d |%n", repeat + 1,
              concurrency, Stats.seconds(run.issueNanos()), run.issueRequests(),
              Stats.millis(run.idleNanos()), run.idleRequests(),
              Stats.millis(run.restartNanos()), run.restartRequests(),
              Stats.seconds(run.renewNanos()),
              run.renewRequests(), Stats.millis(run.idleAfterRenewNanos()),
              run.idleAfterRenewRequests(), run.maxInFlight());
        }
      }
    }
    report(runs, options.clusters());
    System.out.println("end: " + Stats.machine());
    return runs;
  }

  /** {@code values} rotated left by {@code by}. */
  static <T> List<T> rotated(List<T> values, int by) {
    List<T> out = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      out.add(values.get((i + by) % values.size()));
    }
    return out;
  }

  private static void report(Map<Integer, List<Run>> runs, int clusters) {
    System.out.println();
    System.out.println("| concurrency | issue (median) | certificates/s | renew (median) |"
        + " certificates/s | Vault requests per pass (issue / renew) | nothing due (median) |"
        + " restart (median) | runs |");
    System.out.println("|---:|---:|---:|---:|---:|---|---:|---:|---:|");
    int fastestIssue = -1;
    int fastestRenew = -1;
    long bestIssue = Long.MAX_VALUE;
    long bestRenew = Long.MAX_VALUE;
    for (Map.Entry<Integer, List<Run>> entry : runs.entrySet()) {
      List<Run> list = entry.getValue();
      long issue = Stats.median(list.stream().map(Run::issueNanos).toList());
      long renew = Stats.median(list.stream().map(Run::renewNanos).toList());
      long idle = Stats.median(list.stream().map(Run::idleNanos).toList());
      long restart = Stats.median(list.stream().map(Run::restartNanos).toList());
      System.out.printf(Locale.ROOT, "| %d | %s | %.0f | %s | %.0f | %d / %d | %s | %s | %d |%n",
          entry.getKey(), Stats.seconds(issue), clusters / (issue / 1e9), Stats.seconds(renew),
          clusters / (renew / 1e9), Stats.median(list.stream().map(Run::issueRequests).toList()),
          Stats.median(list.stream().map(Run::renewRequests).toList()), Stats.millis(idle),
          Stats.millis(restart), list.size());
      if (issue < bestIssue) {
        bestIssue = issue;
        fastestIssue = entry.getKey();
      }
      if (renew < bestRenew) {
        bestRenew = renew;
        fastestRenew = entry.getKey();
      }
    }
    System.out.println();
    System.out.println("fastest concurrency, issue (by median): " + fastestIssue);
    System.out.println("fastest concurrency, renew (by median): " + fastestRenew);
    System.out.println("every pass with nothing due made 0 Vault requests (checked), and so did"
        + " every restart, which kept every certificate (checked)");
  }

  private static Run runOnce(FakeVault vault, MutableClock clock, List<GuestCluster> clusters,
      IssueMode mode, int concurrency) {
    // a fresh source and token per run: the clock moves days ahead in every run
    VaultSettings settings = settings(vault, mode, concurrency);
    VaultCertificateSource source = source(vault, clock, settings);
    try {
      Pass issue = timedPass(vault, source, clusters, "issue");
      CertificateObservation issued = issue.observed();
      int maxInFlight = vault.maxConcurrentRequests();

      Pass idle = nothingDue(vault, clock, source, clusters, "an hour after issuing");
      Pass restart = restart(vault, clock, settings, issued, clusters);

      // past every renewal threshold: renewAfterFraction of the lifetime, plus an hour
      clock.advance(Duration.ofMillis((long) (settings.ttl().toMillis()
          * settings.renewAfterFraction())).plus(Duration.ofHours(1)));
      Pass renew = timedPass(vault, source, clusters, "renew");
      requireAllRenewed(issued.bundles(), renew.observed().bundles());

      Pass idleAfterRenew = nothingDue(vault, clock, source, clusters,
          "an hour after renewing");
      return new Run(concurrency, issue.nanos(), issue.requests(), idle.nanos(), idle.requests(),
          restart.nanos(), restart.requests(), renew.nanos(), renew.requests(),
          idleAfterRenew.nanos(), idleAfterRenew.requests(), maxInFlight);
    } finally {
      source.close();
    }
  }

  /** A PKI mount and role in {@code vault} per cluster, named as the defaults name them. */
  static void roles(FakeVault vault, List<GuestCluster> clusters) {
    for (GuestCluster cluster : clusters) {
      String id = cluster.id().value();
      vault.pkiRole("pki-" + id, "role-" + id).forClientCertificatesBelow(DOMAIN);
    }
  }

  /** The default settings against {@code vault} but for the issue mode and concurrency. */
  static VaultSettings settings(FakeVault vault, IssueMode mode, int concurrency) {
    return VaultSettings.builder(vault.address(),
            VaultAuthSettings.Token.fromEnvironment(TOKEN_VARIABLE))
        .allowInsecureHttp(true) // the fake on loopback
        .mode(mode).maxConcurrentRequests(concurrency).build();
  }

  /** A new source with a new token of {@code vault}; the adapter's log set to warnings. */
  static VaultCertificateSource source(FakeVault vault, MutableClock clock,
      VaultSettings settings) {
    return source(vault, clock, settings, KeptCertificates.NONE);
  }

  /** As above, offered {@code kept} as a restarted controller offers the files it wrote. */
  static VaultCertificateSource source(FakeVault vault, MutableClock clock,
      VaultSettings settings, KeptCertificates kept) {
    VAULT_LOG.setLevel(Level.WARNING);
    String token = vault.createToken(Duration.ofDays(30), true, Duration.ZERO).reveal();
    Map<String, String> environment = Map.of(TOKEN_VARIABLE, token);
    VaultConnection connection = VaultConnection.create(settings);
    return new VaultCertificateSource(settings, connection,
        new VaultAuthenticator(settings.auth(), connection, RenewalPolicy.of(settings), clock,
            environment::get, CertificateListener.NONE),
        clock, new SplittableRandom(1), CertificateListener.NONE, Optional.of(kept));
  }

  /**
   * A restart: a new source, offered the certificates the first one got (from memory here; the
   * app reads them from the output folder, three small files per cluster), observes every
   * cluster; it must take them all over and ask Vault nothing.
   */
  private static Pass restart(FakeVault vault, MutableClock clock, VaultSettings settings,
      CertificateObservation issued, List<GuestCluster> clusters) {
    SortedMap<ClusterId, CertificateBundle> kept = issued.bundles();
    VaultCertificateSource restarted = source(vault, clock, settings,
        id -> Optional.ofNullable(kept.get(id)));
    try {
      Pass restart = timedPass(vault, restarted, clusters, "restart");
      CertificateObservation observed = restart.observed();
      for (Map.Entry<ClusterId, CertificateBundle> entry : kept.entrySet()) {
        if (!observed.bundles().get(entry.getKey()).serial().equals(entry.getValue().serial())) {
          throw new BrokenPromiseException("restart: cluster " + entry.getKey().value()
              + " got a new certificate although its kept one was valid and not due");
        }
      }
      if (restart.requests() != 0) {
        throw new BrokenPromiseException("the restart made " + restart.requests()
            + " Vault requests; with every certificate kept it must make none");
      }
      return restart;
    } finally {
      restarted.close();
    }
  }

  /** One timed {@code observe}: what it answered, its wall time and the Vault requests it made. */
  private record Pass(CertificateObservation observed, long nanos, long requests) {}

  /** {@code observe(clusters)}, timed, its Vault requests counted; every cluster answered. */
  private static Pass timedPass(FakeVault vault, VaultCertificateSource source,
      List<GuestCluster> clusters, String pass) {
    vault.clearRequests();
    long start = System.nanoTime();
    CertificateObservation observed = source.observe(clusters);
    long nanos = System.nanoTime() - start;
    long requests = vault.requests().size();
    requireComplete(pass, observed, clusters.size());
    return new Pass(observed, nanos, requests);
  }

  /** An hour later, observe again: nothing is due, so Vault must not be asked. */
  private static Pass nothingDue(FakeVault vault, MutableClock clock,
      VaultCertificateSource source, List<GuestCluster> clusters, String when) {
    clock.advance(Duration.ofHours(1));
    Pass pass = timedPass(vault, source, clusters, "nothing due, " + when);
    if (pass.requests() != 0) {
      throw new BrokenPromiseException("the pass with nothing due (" + when + ") made "
          + pass.requests() + " Vault requests; it must make none");
    }
    return pass;
  }

  private static void requireComplete(String pass, CertificateObservation observed, int n) {
    if (observed.bundles().size() != n || !observed.problems().isEmpty()) {
      throw new BrokenPromiseException(pass + ": " + observed.bundles().size() + " of " + n
          + " certificates; problems: " + observed.problems());
    }
  }

  private static void requireAllRenewed(SortedMap<ClusterId, CertificateBundle> before,
      SortedMap<ClusterId, CertificateBundle> after) {
    for (Map.Entry<ClusterId, CertificateBundle> entry : before.entrySet()) {
      if (after.get(entry.getKey()).serial().equals(entry.getValue().serial())) {
        throw new BrokenPromiseException("renew: cluster " + entry.getKey().value()
            + " still has its first certificate although it was due");
      }
    }
  }
}
