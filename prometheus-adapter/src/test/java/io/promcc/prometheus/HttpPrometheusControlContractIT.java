package io.promcc.prometheus;

import io.promcc.core.port.PrometheusControl;
import io.promcc.core.port.PrometheusControlContract;
import io.promcc.core.testing.PrometheusProcess;
import io.promcc.core.testing.PrometheusTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP adapter against a real Prometheus (2.53.3 and 3.x) passes the same contract as core's
 * {@code FakePrometheusControl}: reloading by {@code POST /-/reload} (lifecycle API on), and by
 * SIGHUP to the PID in a PID file (lifecycle API off). One Prometheus per test, on a free loopback
 * port, stopped afterwards.
 */
class HttpPrometheusControlContractIT {

  /** A real Prometheus on a config file in a fresh folder. */
  abstract static class RealPrometheus extends PrometheusControlContract {
    @TempDir Path work;
    private PrometheusProcess prometheus;

    abstract boolean lifecycle();

    @Override
    protected PrometheusControl start(String initialConfig) {
      writeConfig(initialConfig);
      launch(0);
      PrometheusAdapterSettings.Builder settings = PrometheusAdapterSettings.builder(
          work.resolve("out"), prometheus.url())
          .readyTimeout(Duration.ofSeconds(60)).reloadTimeout(Duration.ofSeconds(60));
      if (!lifecycle()) {
        settings.signalPidFile(pidFile());
      }
      PrometheusAdapterSettings built = settings.build();
      HttpPrometheusControl control = new HttpPrometheusControl(
          HttpPrometheusControl.newHttpClient(built), built, Clock.systemUTC());
      try {
        control.awaitReady(Duration.ofSeconds(60));
      } catch (RuntimeException e) {
        throw new AssertionError("prometheus did not start: " + prometheus.logText(), e);
      }
      return control;
    }

    /** Launches a Prometheus on {@code port} (0: a free one), its PID in the PID file. */
    private void launch(int port) {
      prometheus = PrometheusProcess.builder(configFile(), work).port(port)
          .lifecycle(lifecycle()).launch();
      if (!lifecycle()) {
        write(pidFile(), prometheus.pid() + "\n");
      }
    }

    private Path pidFile() {
      return work.resolve("prometheus.pid");
    }

    private Path configFile() {
      return work.resolve("prometheus.yml");
    }

    @Override
    protected void writeConfig(String text) {
      write(configFile(), text);
    }

    @Override
    protected void writeRuleFile(String text) {
      write(configFile().resolveSibling(RULE_FILE), text);
    }

    private void write(Path file, String text) {
      try {
        Path temp = Files.writeString(file.resolveSibling(file.getFileName() + ".new"), text);
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    protected void takeDown() {
      prometheus.close();
    }

    /** A new process on the port of the one taken down, which the control is set to. */
    @Override
    protected boolean bringUp() {
      launch(prometheus.port());
      return true;
    }

    @Override
    protected void letTimePass(Duration duration) {
      LockSupport.parkNanos(duration.toNanos());
    }

    @AfterEach
    void stopPrometheus() {
      if (prometheus != null) {
        prometheus.close();
      }
    }
  }

  @Nested
  class ReloadingByHttp extends RealPrometheus {
    @Override
    boolean lifecycle() {
      return true;
    }
  }

  @Nested
  class ReloadingBySignalToThePidInAFile extends RealPrometheus {
    @Override
    boolean lifecycle() {
      return false;
    }
  }
}
