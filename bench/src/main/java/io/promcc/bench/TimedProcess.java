package io.promcc.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a command as its own process and measures it as a user would wait for it: wall time from
 * start to exit, CPU time (user + system) and peak resident set size. Peak RSS and CPU come from
 * GNU {@code /usr/bin/time} when it is installed ({@code rssMethod} {@code auto} or {@code time}),
 * otherwise from polling {@code VmHWM} in {@code /proc/<pid>/status} and the process' CPU time
 * while it runs ({@code poll}). Stateless and thread-safe.
 */
final class TimedProcess {
  private static final Pattern VM_HWM = Pattern.compile("(?m)^VmHWM:\\s+(\\d+) kB$");
  private static final Pattern GNU_TIME_REPORT =
      Pattern.compile("(\\d+) (\\d+\\.\\d+) (\\d+\\.\\d+)");
  private static final Path GNU_TIME = Path.of("/usr/bin/time");

  private TimedProcess() {}

  /**
   * One finished run.
   *
   * @param output standard output and error together
   * @param nanos wall time from start to exit
   * @param measuredBy {@code /usr/bin/time} or {@code /proc polling}
   */
  record Run(int exitCode, String output, long nanos, OptionalLong peakRssKib,
      OptionalLong cpuNanos, String measuredBy) {}

  /**
   * Runs {@code command} to its end.
   *
   * @param rssMethod {@code auto}, {@code time} or {@code poll}
   * @throws IllegalStateException if it does not end within {@code timeout} (it is killed)
   */
  static Run run(List<String> command, String rssMethod, Duration timeout)
      throws IOException, InterruptedException {
    boolean useTime = rssMethod.equals("time")
        || (rssMethod.equals("auto") && Files.isExecutable(GNU_TIME));
    Path timeReport = useTime ? Files.createTempFile("promcc-bench-time-", ".txt") : null;
    try {
      List<String> full = new ArrayList<>();
      if (useTime) {
        full.addAll(List.of(GNU_TIME.toString(), "-f", "%M %U %S", "-o", timeReport.toString()));
      }
      full.addAll(command);
      Path log = Files.createTempFile("promcc-bench-process-", ".log");
      try {
        long start = System.nanoTime();
        Process process = new ProcessBuilder(full).redirectErrorStream(true)
            .redirectOutput(log.toFile()).start();
        long deadline = start + timeout.toNanos();
        long peak = -1;
        long cpu = -1;
        Path status = Path.of("/proc", Long.toString(process.pid()), "status");
        // Poll VmHWM (the kernel's own high-water mark) and the CPU time until exit; the last
        // readings before exit miss at most the process' final few milliseconds.
        while (!process.waitFor(useTime ? 100 : 5, TimeUnit.MILLISECONDS)) {
          if (!useTime) {
            peak = Math.max(peak, readVmHwm(status).orElse(-1));
            cpu = Math.max(cpu, process.info().totalCpuDuration().map(Duration::toNanos)
                .orElse(-1L));
          }
          if (System.nanoTime() - deadline > 0) {
            process.destroyForcibly();
            throw new IllegalStateException(command.get(0) + " did not finish within "
                + timeout.toSeconds() + " s");
          }
        }
        long nanos = System.nanoTime() - start;
        String output = Files.readString(log, StandardCharsets.UTF_8);
        if (useTime) {
          long[] report = parseGnuTimeReport(Files.readString(timeReport, StandardCharsets.UTF_8));
          return new Run(process.exitValue(), output, nanos, OptionalLong.of(report[0]),
              OptionalLong.of(report[1]), "/usr/bin/time");
        }
        return new Run(process.exitValue(), output, nanos,
            peak >= 0 ? OptionalLong.of(peak) : OptionalLong.empty(),
            cpu >= 0 ? OptionalLong.of(cpu) : OptionalLong.empty(), "/proc polling");
      } finally {
        Files.deleteIfExists(log);
      }
    } finally {
      if (timeReport != null) {
        Files.deleteIfExists(timeReport);
      }
    }
  }

  /** VmHWM in KiB from a readable {@code /proc/<pid>/status}; empty once the process is gone. */
  static OptionalLong readVmHwm(Path status) {
    try {
      return parseVmHwm(Files.readString(status, StandardCharsets.US_ASCII));
    } catch (IOException e) {
      return OptionalLong.empty(); // the process exited between the check and the read
    }
  }

  /** The {@code VmHWM} line of a {@code /proc/<pid>/status} text, in KiB. */
  static OptionalLong parseVmHwm(String status) {
    Matcher matcher = VM_HWM.matcher(status);
    return matcher.find() ? OptionalLong.of(Long.parseLong(matcher.group(1)))
        : OptionalLong.empty();
  }

  /**
   * Max RSS in KiB and user + system CPU time in nanoseconds from GNU time's
   * {@code -f "%M %U %S"} report. The numbers are on the last line (a failed command adds a
   * "Command exited with non-zero status" line before it).
   *
   * @throws IllegalArgumentException if the report does not end in such a line
   */
  static long[] parseGnuTimeReport(String report) {
    String[] lines = report.strip().split("\n");
    Matcher matcher = GNU_TIME_REPORT.matcher(lines[lines.length - 1].strip());
    if (!matcher.matches()) {
      throw new IllegalArgumentException("unexpected /usr/bin/time report \"" + report + "\"");
    }
    long cpuNanos = Math.round((Double.parseDouble(matcher.group(2))
        + Double.parseDouble(matcher.group(3))) * 1e9);
    return new long[] {Long.parseLong(matcher.group(1)), cpuNanos};
  }
}
