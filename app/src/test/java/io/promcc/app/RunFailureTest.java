package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.promcc.app.run.CheckParts;
import io.promcc.app.run.Controller;
import io.promcc.app.run.ControllerComponent;
import io.promcc.app.run.DaggerControllerComponent;
import io.promcc.app.run.FolderLock;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * A running {@code promcc run} whose reconcile loop dies (an {@link Error}: the heap exhausted,
 * the stack overflowed) stops what it started and exits 1, so that a supervisor restarts it.
 */
class RunFailureTest {
  private static final String LOOP_THREAD = "promcc-reconcile-loop";

  @TempDir Path temp;
  private final StringWriter err = new StringWriter();
  private SignalHandler term;
  private SignalHandler interrupt;

  /** {@code run} installs its own handlers; the test JVM keeps its own. */
  @BeforeEach
  void keepSignalHandlers() {
    term = Signal.handle(new Signal("TERM"), SignalHandler.SIG_DFL);
    Signal.handle(new Signal("TERM"), term);
    interrupt = Signal.handle(new Signal("INT"), SignalHandler.SIG_DFL);
    Signal.handle(new Signal("INT"), interrupt);
  }

  @AfterEach
  void restoreSignalHandlers() {
    Signal.handle(new Signal("TERM"), term);
    Signal.handle(new Signal("INT"), interrupt);
  }

  @Test
  void anErrorOnTheReconcileLoopStopsEverythingAndExits1() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    Path out = temp.resolve("out");
    Path clusters = Files.writeString(temp.resolve("clusters.yml"),
        "- id: alpha\n  provider: aws\n  apiServer: https://alpha.example.com\n");
    Clock clock = new LoopFailingClock(new StackOverflowError("deep in a reconcile"));
    AtomicReference<Controller> made = new AtomicReference<>();
    CommandLine run = new CommandLine(RunCommand.spec(Map.of(), settings -> {
      ControllerComponent graph = DaggerControllerComponent.factory().create(settings, clock);
      return new ControllerComponent() {
        @Override
        public Controller controller() {
          made.set(graph.controller());
          return made.get();
        }

        @Override
        public CheckParts checkParts() {
          return graph.checkParts();
        }
      };
    }));
    run.setOut(new PrintWriter(new StringWriter()));
    run.setErr(new PrintWriter(err));
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try {
      Future<Integer> code = executor.submit(() -> run.execute("--clusters",
          clusters.toString(), "--out", out.toString(), "--state-dir",
          temp.resolve("state").toString(), "--http-address", "127.0.0.1:" + port));

      assertEquals(1, exitCode(code, made), err.toString());
    } finally {
      executor.shutdownNow();
    }
    assertTrue(err.toString().contains("error: promcc run failed: "
        + "java.lang.StackOverflowError: deep in a reconcile"), err.toString());
    try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      assertEquals(port, again.getLocalPort(), "the status port was closed");
    }
    try (FolderLock lock = FolderLock.output(out)) {
      assertTrue(Files.isDirectory(out), "the --out lock was released");
    }
  }

  /** The command's exit code; if it keeps running, its controller is stopped and the test fails. */
  private int exitCode(Future<Integer> code, AtomicReference<Controller> made) throws Exception {
    try {
      return code.get(30, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      made.get().stop();
      code.get(30, TimeUnit.SECONDS);
      return fail("promcc run kept running for 30 s after its reconcile loop died:\n" + err);
    }
  }

  /** The system clock, except on the reconcile loop's thread, where every reading throws. */
  private static final class LoopFailingClock extends Clock {
    private final Error failure;

    LoopFailingClock(Error failure) {
      this.failure = failure;
    }

    @Override
    public Instant instant() {
      if (Thread.currentThread().getName().equals(LOOP_THREAD)) {
        throw failure;
      }
      return Instant.now();
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }
}
