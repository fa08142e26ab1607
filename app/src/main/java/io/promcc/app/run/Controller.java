package io.promcc.app.run;

import static java.util.Objects.requireNonNull;

import io.promcc.app.Versions;
import io.promcc.app.events.ServiceEvents;
import io.promcc.app.local.FileWatcher;
import io.promcc.app.loop.ReconcileLoop;
import io.promcc.app.settings.RunSettings;
import io.promcc.app.status.ControllerMetrics;
import io.promcc.app.status.LoopHealth;
import io.promcc.app.status.StatusServer;
import io.promcc.core.port.CertificateSource;
import io.promcc.core.port.GuestClusterSource;
import io.promcc.core.port.Lifecycle;
import io.promcc.kube.LeaderElection;
import io.promcc.vault.VaultCertificateSource;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * The running controller: its status port bound first (so probes answer during start-up, and a
 * port in use refuses the start before any folder is made), then its folders locked (one
 * controller per output folder and per local CA state folder), then the sources and file
 * watches, a bounded wait for the sources to sync (reported unready, and continued: nothing is
 * written from a partial view), then the reconcile loop until {@link #stop()}.
 *
 * <p>Thread-safe: {@link #run()} on one thread, {@link #stop()} from any other.
 */
public final class Controller {
  private static final System.Logger LOG = System.getLogger(Controller.class.getName());
  /** The bound of the whole stop, from {@link #stop()} to {@link #run()}'s end. */
  static final Duration STOP_BUDGET = Duration.ofSeconds(10);
  /** How long a stop waits for a running reconcile, before and after interrupting its waits. */
  static final Duration STOP_GRACE = Duration.ofSeconds(3);
  /** How long {@link #stop()} waits for {@link #run()} to end: its bound, and a second. */
  static final Duration STOP_WAIT = STOP_BUDGET.plusSeconds(1);
  /** How the warning of a stop that gave up waiting for a running reconcile begins. */
  static final String GAVE_UP = "stopped without waiting longer for the reconcile that";
  /** The lock file in the local CA's state folder. */
  static final String STATE_LOCK = "run.lock";
  /** A new state folder's mode, as the local CA makes it. */
  private static final Set<PosixFilePermission> STATE_MODE =
      PosixFilePermissions.fromString("rwx------");

  private final RunSettings settings;
  private final GuestClusterSource clusters;
  private final CertificateSource certificates;
  private final ReconcileLoop loop;
  private final PlanInputs inputs;
  private final FileWatcher watcher;
  private final ControllerMetrics metrics;
  private final LoopHealth health;
  private final Optional<ServiceEvents> events;
  private final Optional<LeaderElection> election;
  private final Optional<TargetWatch> targets;
  private final Optional<PrometheusWatch> prometheusWatch;
  private final Clock clock;
  private final CountDownLatch stopping = new CountDownLatch(1);
  private final CountDownLatch ended = new CountDownLatch(1);
  private final Duration stopBudget;
  private final Duration stopGrace;
  private final AtomicReference<StopDeadline> stopDeadline = new AtomicReference<>();
  private volatile StatusServer status;
  private volatile boolean running; // run() began
  private volatile List<FolderLock> locks = List.of();
  private volatile PlannerFileWatches plannerWatches; // once started
  private volatile Optional<FileWatcher.Watch> credentialWatch = Optional.empty();

  @Inject
  Controller(RunSettings settings, @Selected GuestClusterSource clusters,
      @Selected CertificateSource certificates, ReconcileLoop loop, PlanInputs inputs,
      FileWatcher watcher, ControllerMetrics metrics, LoopHealth health,
      Optional<ServiceEvents> events, Provider<Optional<LeaderElection>> election,
      Optional<TargetWatch> targets, Optional<PrometheusWatch> prometheusWatch, Clock clock) {
    this(settings, clusters, certificates, loop, inputs, watcher, metrics, health, events,
        election, targets, prometheusWatch, clock, STOP_BUDGET, STOP_GRACE);
  }

  /**
   * As above, the whole stop bounded by {@code stopBudget}, of which a running reconcile is
   * waited for {@code stopGrace} to end and as long again once its waits are interrupted (a seam
   * for tests).
   */
  Controller(RunSettings settings, GuestClusterSource clusters, CertificateSource certificates,
      ReconcileLoop loop, PlanInputs inputs, FileWatcher watcher, ControllerMetrics metrics,
      LoopHealth health, Optional<ServiceEvents> events,
      Provider<Optional<LeaderElection>> election, Optional<TargetWatch> targets,
      Optional<PrometheusWatch> prometheusWatch, Clock clock, Duration stopBudget,
      Duration stopGrace) {
    this.stopBudget = requireNonNull(stopBudget, "stopBudget == null");
    this.stopGrace = requireNonNull(stopGrace, "stopGrace == null");
    this.settings = requireNonNull(settings, "settings == null");
    this.clusters = requireNonNull(clusters, "clusters == null");
    this.certificates = requireNonNull(certificates, "certificates == null");
    this.loop = requireNonNull(loop, "loop == null");
    this.inputs = requireNonNull(inputs, "inputs == null");
    this.watcher = requireNonNull(watcher, "watcher == null");
    this.metrics = requireNonNull(metrics, "metrics == null");
    this.health = requireNonNull(health, "health == null");
    this.events = requireNonNull(events, "events == null");
    // a Lease only matters where Events are published
    this.election = events.isPresent() ? election.get() : Optional.empty();
    this.targets = requireNonNull(targets, "targets == null");
    this.prometheusWatch = requireNonNull(prometheusWatch, "prometheusWatch == null");
    this.clock = requireNonNull(clock, "clock == null");
  }

  /**
   * Binds the status port, locks the folders and starts the sources and watches; returns at
   * once. Held until {@link #run()} returns. If the start fails, whatever it fails with (an
   * {@link Error} too), what it started is closed and the locks released before it throws: the
   * status port's thread would keep the process alive without a controller.
   *
   * @throws FolderInUseException if another process (or controller) writes to the output folder
   *     or, with the local CA, to the state folder; nothing was started
   * @throws IOException if the status address cannot be bound; nothing was started, and no
   *     folder made
   * @throws io.promcc.core.model.ValidationException if a source's read of its file at start
   *     did not end within 10 s ({@link io.promcc.app.local.StartReads}); what was started is
   *     closed
   */
  public void start() throws IOException {
    // first: a port in use refuses the start before any folder is made
    status = StatusBinding.bind(settings, metrics, health);
    try {
      locks = lockFolders();
    } catch (RuntimeException | Error e) {
      status.close();
      ended.countDown(); // nothing will run: a stop returns at once
      throw e;
    }
    try {
      startLocked();
    } catch (Throwable e) {
      try {
        health.stopping();
        closeAll().end(still -> { }); // no last line: the start's failure is thrown
      } catch (Throwable closing) {
        e.addSuppressed(closing);
      }
      ended.countDown(); // nothing will run: a stop returns at once
      throw e;
    }
  }

  /**
   * The output folder in every mode (the store's files, and the certificates and keys of every
   * source); the state folder only where the local CA keeps its files there: in other modes
   * nothing reads it, and it may not even be writable (a read-only root file system).
   */
  private List<FolderLock> lockFolders() {
    List<FolderLock> held = new ArrayList<>();
    try {
      held.add(FolderLock.output(settings.out()));
      if (settings.certificates() == RunSettings.CertificateMode.LOCAL_CA) {
        held.add(FolderLock.acquire(settings.stateDir(), STATE_LOCK, STATE_MODE, "--state-dir",
            "the same local CA files and key"));
      }
    } catch (FolderInUseException e) {
      held.forEach(FolderLock::close);
      throw e;
    }
    return List.copyOf(held);
  }

  private void startLocked() throws IOException {
    String host = settings.httpAddress().getHostString();
    LOG.log(Level.INFO, "promcc " + Versions.current() + ": " + settings + "; /metrics, "
        + "/healthz and /readyz on http://" + StatusBinding.hostAndPort(host, status.port()));
    clusters.addChangeListener(() -> loop.clustersChanged("guest clusters changed"));
    certificates.addChangeListener(() -> loop.trigger("certificates changed"));
    List<Path> plannerFiles = new ArrayList<>();
    settings.baseConfig().ifPresent(plannerFiles::add);
    settings.profile().ifPresent(plannerFiles::add);
    PlannerFileWatches watches = PlannerFileWatches.watch(watcher, plannerFiles, inputs,
        loop::plannerChanged);
    plannerWatches = watches;
    // its own thread, off the watcher's: its volume may hang (its first read too, off this one)
    // a change starts a reconcile only while clusters wait for the credential: otherwise the
    // next login reads it (the kubelet rotates a service account token hourly)
    BooleanSupplier helps = certificates instanceof VaultCertificateSource vault
        ? vault::waitsForCredential : () -> true;
    credentialWatch = VaultCredentialWatch.watch(watcher.stopBudget(), settings.vault(), helps,
        loop::trigger);
    watcher.start();
    if (!plannerFiles.isEmpty()) {
      // an edit between the first read (when the controller was made) and the watch's start
      // makes no watch event: the files are read once more now that they are watched
      watches.readNow();
    }
    clusters.start();
    certificates.start();
    election.ifPresent(LeaderElection::start);
    targets.ifPresent(TargetWatch::start);
    prometheusWatch.ifPresent(PrometheusWatch::start);
  }

  /** The bound status port (after {@link #start()}). */
  public int statusPort() {
    return status.port();
  }

  /**
   * Waits for the sources, then runs the loop until {@link #stop()}, until the loop's thread
   * dies, or until this thread is interrupted, which stops the controller as {@link #stop()}
   * does (within {@link #STOP_BUDGET} of the interrupt); releases everything before it returns
   * or throws. After an interrupt it returns (or throws what the loop died of before it) with
   * the thread's interrupt status set again.
   *
   * @throws RuntimeException or {@link Error} what the loop's thread died of (a bug, the heap
   *     exhausted) before a stop gave up on its reconcile: everything was stopped and closed,
   *     and the process should exit non-zero, so that a supervisor restarts it instead of
   *     keeping one without a controller (the death of a reconcile a stop gave up on is logged,
   *     and thrown by no one: {@link LoopThread})
   */
  public void run() {
    running = true;
    LoopThread runner = null;
    boolean interrupted = false;
    try {
      boolean synced = false;
      try {
        synced = awaitSources();
      } catch (InterruptedException e) {
        interrupted = stopOnInterrupt();
      }
      if (synced) {
        health.sourcesSynced();
        LOG.log(Level.INFO, "sources synced; reconciling");
        runner = new LoopThread(loop, stopping::countDown);
        runner.start();
        try {
          stopping.await();
        } catch (InterruptedException e) {
          interrupted = stopOnInterrupt();
        }
        Instant stopAt = clock.instant();
        health.stopping(); // before the loop ends, so its end is no failure
        loop.stop(stopGrace);
        interrupted |= Thread.interrupted(); // the stop goes on, bounded
        interrupted |= runner.joinThroughInterrupts(stopDeadline()
            .leftKeeping(stopBudget.minus(stopGrace.multipliedBy(2))));
        runner.giveUp(Duration.between(stopAt, clock.instant()));
      }
    } finally {
      // an interrupt gives up no part at once: each is waited for in its time, and the
      // interrupt status is set again once all are closed
      interrupted |= Thread.interrupted();
      try {
        health.stopping();
        Optional<LoopThread> loopThread = Optional.ofNullable(runner);
        closeAll().end(closes -> { // under the stop's end's lock, as what it gave up on logs
          List<String> still = new ArrayList<>(closes);
          loopThread.flatMap(LoopThread::givenUpRunning).ifPresent(r -> still.add(0, r));
          LOG.log(Level.INFO, still.isEmpty() ? "stopped" : "stopped; still running, to end "
              + "with the process: " + String.join(", ", still));
        });
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
        ended.countDown(); // also after an Error of a close, thrown on once all are closed
      }
    }
    Throwable failure = runner == null ? null : runner.failure().orElse(null);
    if (failure instanceof Error e) {
      throw e;
    } else if (failure instanceof RuntimeException e) {
      throw e;
    }
  }

  /**
   * The thread of {@link #run()} was interrupted before a stop: the controller stops as
   * {@link #stop()} does, its bound counted from now. Clears the interrupt, for the stop's
   * bounded waits; returns true, for run() to set it again at its end.
   */
  private boolean stopOnInterrupt() {
    Thread.interrupted();
    stopDeadline();
    if (stopping.getCount() > 0) {
      LOG.log(Level.INFO, "stopping, as the thread of run() was interrupted: no new reconcile; "
          + "a running one may finish");
    }
    stopping.countDown();
    return true;
  }

  /** Waits for every source's first complete view, until stopped; reports one that is late. */
  private boolean awaitSources() throws InterruptedException {
    Instant deadline = clock.instant().plus(settings.syncTimeout());
    boolean reported = false;
    List<Lifecycle> pending = new ArrayList<>(List.of(clusters, certificates));
    while (stopping.getCount() > 0) {
      health.heartbeat();
      pending.removeIf(source -> {
        try {
          return source.awaitSynced(Duration.ofMillis(500));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      });
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedException("interrupted while waiting for the sources");
      }
      if (pending.isEmpty()) {
        return true;
      }
      health.sourcesPending(pending.toString()); // each says why, where it knows
      if (!reported && !clock.instant().isBefore(deadline)) {
        reported = true;
        LOG.log(Level.WARNING, "sources not synced after " + settings.syncTimeout() + ": "
            + pending + "; not ready, and nothing is written until they are");
      }
    }
    return false;
  }

  /**
   * Stops within {@link #STOP_BUDGET} (10 s): no new triggers, a running reconcile may finish
   * (after {@link #STOP_GRACE} its waits are interrupted, and it is given as long again), then
   * {@link #run()} closes sources, watches, the status port and the locks, each within what is
   * left ({@link StopDeadline}). Returns when run() has, at the latest after {@link #STOP_WAIT}.
   */
  public void stop() {
    if (running) { // else its bound counts from run()'s stop
      stopDeadline();
    }
    if (stopping.getCount() > 0) {
      LOG.log(Level.INFO, "stopping: no new reconcile; a running one may finish");
    }
    stopping.countDown();
    try {
      ended.await(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The stop's bound, begun by the first call: a stop during run(), or run()'s or start()'s. */
  private StopDeadline stopDeadline() {
    stopDeadline.compareAndSet(null, new StopDeadline(stopBudget, System::nanoTime,
        loop.stopEnd()));
    return stopDeadline.get();
  }

  /** Closes every part; returns the stop's bound, to end the stop with. */
  private StopDeadline closeAll() {
    List<AutoCloseable> all = new ArrayList<>(List.of(clusters, certificates, watcher));
    // the planner's after the watcher, which asks for their reloads
    Stream.of(Optional.ofNullable(plannerWatches), credentialWatch, events, election, targets,
        prometheusWatch, Optional.ofNullable(status)).flatMap(Optional::stream).forEach(all::add);
    List<FolderLock> held = locks;
    locks = List.of();
    // last: nothing of this controller writes any more
    StopDeadline deadline = stopDeadline();
    deadline.closeInOrder(Stream.concat(all.stream().map(StopDeadline.Part::of),
        lockParts(held).stream()).toList());
    return deadline;
  }

  /**
   * The parts that release {@code held}, one each: a release that hangs (its lock file on a
   * volume that stopped answering) holds no other past its time.
   */
  static List<StopDeadline.Part> lockParts(List<FolderLock> held) {
    return held.stream().map(lock -> new StopDeadline.Part("the " + lock.option()
        + " folder lock", lock)).toList();
  }
}
