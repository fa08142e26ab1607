package io.promcc.it.bench;

import static io.promcc.it.bench.BenchMachine.loadAverage;

import io.promcc.core.reconcile.Phase;
import io.promcc.it.Args;
import io.promcc.it.GuestApi;
import io.promcc.it.KubernetesModeStack;
import io.promcc.it.KubernetesModeStackBuilder;
import io.promcc.it.Ports;
import io.promcc.it.ProfileJobs;
import io.promcc.it.Wait;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Kubernetes mode measured from a change to the job loaded; behind {@code
 * scripts/bench-kube.sh}. The real controller ({@code promcc.jar run --discovery kubernetes
 * --certificates vault}, its own process, default settle, debounce and max delay) watches the
 * Kubernetes API fake as its host API and gets client certificates from the Vault fake in sign
 * mode; the real Prometheus reads what it writes ({@link KubernetesModeStack}).
 *
 * <p>{@code --clusters} clusters as Services, loaded and verified; then {@code --changes} times:
 * one new Service created, the one added before deleted so that Prometheus holds clusters + 1.
 * With {@code --delete apart} (the default) the delete is applied first, untimed, and the create
 * comes at least the debounce after it: the timed change is a lone Service created. With
 * {@code --delete with-create} the delete comes just before the create, a burst of two changes
 * the controller reconciles together after its debounce. Each create is timed from just before
 * the call to {@code /api/v1/status/config}
 * holding the new cluster's jobs ({@link LoadedConfig}: Prometheus' log polled every
 * {@code --poll}, the config asked once per load), and to the end of that load as Prometheus
 * logged it. Beside each latency, Prometheus' own reload time of that change
 * ({@code totalDuration} of its log line "Completed loading of configuration file"), and the
 * differences. The next change starts once the controller has
 * finished the apply ({@link Applied}), not at its first reload.
 *
 * <p>{@code --guests shared}: every Service names one seeded guest API (Prometheus discovers and
 * scrapes it once per cluster); the controller then signs every cluster's certificate with one
 * PKI mount and role ({@code pki-shared}, {@code role-shared}), which that guest API trusts.
 * {@code --guests refused}: the Services name a loopback port nothing listens on (the config
 * work without the discovery load), and each cluster has its own mount and role (the
 * controller's default layout). Writes {@code results.md} into {@code --work}.
 */
public final class KubernetesModeBench {
  private static final Duration STEP_TIMEOUT = Duration.ofMinutes(10);
  private static final String SHARED = "shared";
  private static final String APART = "apart";
  /** The controller's default debounce, which the bench runs with. */
  private static final Duration DEBOUNCE = Duration.ofMillis(250);
  /** The phase of a reconcile that asks Prometheus to reload, as the controller logs it. */
  private static final String RELOAD = Phase.RELOAD.label();

  private final Options options;
  private final StringBuilder report = new StringBuilder();
  private volatile KubernetesModeStack stack;
  /** Set once the stack is being closed: by the end of the run or by Ctrl-C (the hook). */
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Set by the shutdown hook: a Ctrl-C during the run (or the JVM's exit after it). */
  private volatile boolean interrupted;

  private KubernetesModeBench(Options options) {
    this.options = options;
  }

  /** Entry point; see the class comment and {@code scripts/bench-kube.sh}. */
  public static void main(String[] arguments) throws Exception {
    Options options;
    try {
      options = Options.parse(arguments);
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage().replace("\n", "\nbench: "));
      System.exit(2);
      return;
    }
    KubernetesModeBench bench = new KubernetesModeBench(options);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      bench.interrupted = true;
      bench.close();
    }, "bench-stop"));
    try {
      bench.run();
    } catch (Exception | Error e) {
      if (bench.interrupted) {
        // Ctrl-C: the hook closed the stack under the run, which then failed on it
        System.err.println("bench: stopped");
        return;
      }
      throw e;
    }
    System.exit(0);
  }

  private void run() throws IOException {
    Files.createDirectories(options.work());
    try (var entries = Files.list(options.work())) {
      if (entries.findAny().isPresent()) {
        throw new IOException("work folder " + options.work() + " is not empty");
      }
    }
    line("# Kubernetes mode benchmark, " + Instant.now());
    line("");
    line("Machine: " + Runtime.getRuntime().availableProcessors() + " cores, load average "
        + loadAverage() + " at the start; Java " + System.getProperty("java.version")
        + ". Options: " + options + ".");
    line("");
    line("| measure | size | result | must |");
    line("|---|---|---|---|");
    KubernetesModeStackBuilder builder = KubernetesModeStack.builder(
            options.work().resolve("fleet"), options.appJar(), options.prometheus())
        .scrapeInterval(Duration.ofSeconds(30))
        // the controller's defaults, as users run it (the stack's tests use a shorter debounce)
        .controllerFlag("debounce", DEBOUNCE.toMillis() + "ms").controllerFlag("max-delay", "2s");
    options.prometheusFlag().ifPresent(builder::prometheusFlag);
    if (options.guests().equals(SHARED)) {
      builder.controllerFlag("vault-pki-mount", "pki-" + SHARED)
          .controllerFlag("vault-pki-role", "role-" + SHARED);
    }
    stack = builder.create();
    try {
      Target target = target();
      List<String> base = new ArrayList<>();
      for (int i = 0; i < options.clusters(); i++) {
        String id = String.format("c%04d", i);
        target.put(id);
        base.add(id);
      }
      stack.start();
      String lastBase = base.get(base.size() - 1);
      Wait.until(STEP_TIMEOUT, Duration.ofMillis(500), lastBase + "'s jobs loaded",
          () -> loaded(lastBase), () -> stack.controller().log().tail(20));
      Wait.until(STEP_TIMEOUT, Duration.ofMillis(20), "promcc_config_in_sync 1",
          stack.controller()::inSync,
          () -> stack.controller().log().tail(20));
      progress(base.size() + " clusters loaded");
      change(target);
    } finally {
      close();
    }
    line("");
    line("Load average at the end: " + loadAverage() + ".");
    Files.writeString(options.work().resolve("results.md"), report, StandardCharsets.UTF_8);
    System.out.println("bench: results in " + options.work().resolve("results.md"));
  }

  /** Where the Services point, and the Vault set-up each new cluster needs. */
  private record Target(KubernetesModeStack stack, Optional<GuestApi> shared, String refused) {
    /** Prepares Vault for {@code id} (the platform's part, not timed). */
    void prepare(String id) {
      if (shared.isEmpty()) {
        stack.pkiRole(id);
      }
    }

    void put(String id) {
      prepare(id);
      create(id);
    }

    /** Only the Service create call (timed). */
    void create(String id) {
      if (shared.isPresent()) {
        stack.putService(id, shared.get(), "aws");
      } else {
        stack.putService(id, "https://" + refused, refused, "aws");
      }
    }
  }

  private Target target() {
    Optional<GuestApi> shared = options.guests().equals(SHARED)
        ? Optional.of(stack.startGuest(SHARED)) : Optional.empty();
    // nothing listens there: discovery fails at once and costs nothing
    return new Target(stack, shared, "127.0.0.1:" + Ports.free());
  }

  /** Service created to the new cluster's jobs in Prometheus' loaded config. */
  private void change(Target target) throws IOException {
    List<Duration> latencies = new ArrayList<>();
    List<Duration> logged = new ArrayList<>();
    List<Duration> reloadTimes = new ArrayList<>();
    List<Duration> waits = new ArrayList<>();
    List<Duration> reconciles = new ArrayList<>();
    List<Duration> beforeReloads = new ArrayList<>();
    List<Duration> reloadPhases = new ArrayList<>();
    int multiLoad = 0;
    boolean apart = options.delete().equals(APART);
    for (int i = 0; i < options.changes(); i++) {
      String id = String.format("n%04d", i);
      String previous = i == 0 ? "" : String.format("n%04d", i - 1);
      target.prepare(id);
      if (!previous.isEmpty() && apart) {
        deleteApplied(previous);
      }
      Applied before = Applied.mark(stack.controller(), stack.prometheus());
      int loadsBefore = ReloadTimes.of(stack.prometheus().log()).size();
      if (!previous.isEmpty() && !apart) {
        stack.deleteService(previous); // keeps the count at clusters + 1
      }
      long created = System.nanoTime();
      Instant createdAt = Instant.now();
      target.create(id);
      LoadedConfig.await(stack.prometheus(), before.prometheusLoads(), jobOf(id), STEP_TIMEOUT,
          options.poll(), () -> stack.controller().log().tail(20));
      latencies.add(Duration.ofNanos(System.nanoTime() - created));
      long loads = before.await(stack.controller(), stack.prometheus(), STEP_TIMEOUT,
          () -> previous.isEmpty() || !loaded(previous));
      multiLoad += loads > 1 ? 1 : 0;
      Optional<ReconcileLog.Reconcile> carrier =
          ReconcileLog.firstReloadSince(stack.controller().log(), createdAt);
      carrier.ifPresent(r -> {
        waits.add(Duration.between(createdAt, r.start()));
        reconciles.add(r.duration());
        beforeReloads.add(r.before(RELOAD));
        reloadPhases.add(r.phases().getOrDefault(RELOAD, Duration.ZERO));
      });
      String wait = carrier.map(r -> Stats.seconds(Duration.between(createdAt, r.start())))
          .orElse("not in the controller's log");
      ReloadTimes.Load load = ReloadTimes.lastAfter(stack.prometheus().log(), loadsBefore)
          .orElseThrow(() -> new IllegalStateException("no reload time logged for " + id));
      reloadTimes.add(load.took());
      logged.add(Duration.between(createdAt, load.end()));
      // with the time of the create call, to match a slow change with the processes' logs
      progress("change " + (i + 1) + ": " + Stats.seconds(latencies.get(i)) + " (Prometheus' "
          + "reload " + Stats.seconds(reloadTimes.get(i)) + ", loads " + loads + "; " + id
          + " created at " + createdAt + ", wait before the reconcile " + wait + ")");
    }
    ChangeReport.lines(latencies, logged, reloadTimes, multiLoad, "Service created to the new "
        + "cluster's jobs loaded (seen by the harness: Prometheus' log polled every "
        + options.poll().toMillis() + " ms, then its status/config once per load; guests "
        + options.guests() + ")", (options.clusters() + 1) + " clusters, "
        + latencies.size() + " changes").forEach(this::line);
    if (!waits.isEmpty()) {
      // the controller's log time and Instant.now() here: one machine's clock
      String size = (options.clusters() + 1) + " clusters, " + waits.size() + " of "
          + latencies.size() + " changes";
      line(ChangeReport.row("of the latency: Service created to the start of the reconcile "
          + "that carried it (event, debounce, a reconcile still running; the controller's log)",
          size, waits));
      line(ChangeReport.row("of the latency: that reconcile, observe to verified (its "
          + "duration in the controller's log)", size, reconciles));
      line(ChangeReport.row("of that reconcile: observe to write, before asking Prometheus to "
          + "reload (its phases in the controller's log)", size, beforeReloads));
      line(ChangeReport.row("of that reconcile: the reload phase, the request to Prometheus' "
          + "answer (its reload inside)", size, reloadPhases));
    }
  }

  /**
   * Deletes a Service and waits until the controller has applied it and the debounce has passed
   * since the delete, so that the next change is a lone one.
   */
  private void deleteApplied(String id) throws IOException {
    Applied before = Applied.mark(stack.controller(), stack.prometheus());
    long deleted = System.nanoTime();
    stack.deleteService(id);
    before.await(stack.controller(), stack.prometheus(), STEP_TIMEOUT, () -> !loaded(id));
    long quiet = DEBOUNCE.toNanos() - (System.nanoTime() - deleted);
    if (quiet > 0) {
      try {
        Thread.sleep(quiet / 1_000_000 + 1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
  }

  private boolean loaded(String id) throws IOException {
    return stack.prometheus().loadedConfig().contains(jobOf(id));
  }

  private static String jobOf(String id) {
    return "job_name: " + ProfileJobs.prefixOf(id);
  }

  private void close() {
    KubernetesModeStack running = stack;
    if (running != null && closed.compareAndSet(false, true)) {
      try {
        running.close();
      } catch (RuntimeException e) {
        System.err.println("bench: " + e.getMessage());
      }
    }
  }

  private void line(String text) {
    report.append(text).append('\n');
    System.out.println(text);
  }

  private static void progress(String text) {
    System.err.println("bench: " + text);
  }

  /** The command line. */
  record Options(Path work, Path appJar, Path prometheus, int clusters, int changes,
      Duration poll, String guests, String delete, Optional<String> prometheusFlag) {
    static Options parse(String[] arguments) {
      Args args = Args.parse(arguments, Set.of("work", "app-jar", "prometheus", "clusters",
          "changes", "poll", "guests", "delete", "prometheus-flag"));
      Options options = new Options(args.path("work"), args.path("app-jar"),
          args.path("prometheus"), args.number("clusters", 100, 1, 9_999),
          args.number("changes", 100, 1, 9_999), args.duration("poll", Duration.ofMillis(20)),
          args.choice("guests", SHARED, List.of(SHARED, "refused")),
          args.choice("delete", APART, List.of(APART, "with-create")),
          args.text("prometheus-flag"));
      args.check();
      return options;
    }

    @Override
    public String toString() {
      return "--clusters " + clusters + " --changes " + changes + " --poll " + poll.toMillis()
          + "ms --guests " + guests + " --delete " + delete
          + prometheusFlag.map(flag -> " --prometheus-flag=" + flag).orElse("");
    }
  }
}
