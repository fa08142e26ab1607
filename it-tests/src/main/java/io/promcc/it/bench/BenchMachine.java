package io.promcc.it.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the results of {@link LocalModeBench} and {@link KubernetesModeBench} say of the machine
 * they ran on: the load average and the Prometheus version. Every read that fails gives {@code
 * unknown}. Stateless.
 */
final class BenchMachine {
  private static final Pattern VERSION = Pattern.compile("version (\\S+)");

  private BenchMachine() {}

  /** The 1, 5 and 15 minute load averages of {@code /proc/loadavg}, or {@code unknown}. */
  static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /** The version {@code prometheus --version} names, or {@code unknown}. */
  static String prometheusVersion(Path prometheus) {
    try {
      Process process = new ProcessBuilder(prometheus.toString(), "--version")
          .redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      process.waitFor();
      Matcher m = VERSION.matcher(output);
      return m.find() ? m.group(1) : "unknown";
    } catch (IOException e) {
      return "unknown";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }
}
