package io.promcc.bench;

import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reading a base config ({@code BaseConfig.parse}) by two builds of core side by side in one JVM,
 * each loaded by its own class loader: bytes allocated per character of input (the least of the
 * rounds: the machine's load does not change it) and the median time, rounds alternating between
 * the two. Arguments: the {@code before} and {@code now} class paths (core's classes and its
 * runtime dependencies, separated by {@code :}), then optionally the rounds (default 7). A config
 * refused (a top-level merge key setting {@code scrape_configs}) is measured up to its refusal.
 */
public final class YamlReadingSideBySide {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private record Shape(String name, String text) {}

  private record Sample(long bytes, long nanos) {}

  private YamlReadingSideBySide() {}

  /** Runs the comparison; see the class comment for the arguments. */
  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      throw new IllegalArgumentException("usage: BEFORE_CLASSPATH NOW_CLASSPATH [ROUNDS]");
    }
    Method before = parser(args[0]);
    Method now = parser(args[1]);
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 7;
    System.out.println("load average " + Stats.loadAverage() + "; " + rounds
        + " rounds alternating before, now; bytes: the least; time: the median");
    System.out.printf(Locale.ROOT, "%-22s %9s %10s %10s %10s %10s %7s%n", "shape", "chars",
        "before B/c", "now B/c", "before", "now", "now/bef");
    for (Shape shape : shapes()) {
      List<Sample> first = new ArrayList<>();
      List<Sample> second = new ArrayList<>();
      read(before, shape.text()); // warm both before the rounds
      read(now, shape.text());
      for (int round = 0; round < rounds; round++) {
        first.add(read(before, shape.text()));
        second.add(read(now, shape.text()));
      }
      long beforeNanos = Stats.median(first.stream().map(Sample::nanos).toList());
      long nowNanos = Stats.median(second.stream().map(Sample::nanos).toList());
      System.out.printf(Locale.ROOT, "%-22s %9d %10.1f %10.1f %10s %10s %7.2f%n", shape.name(),
          shape.text().length(), perChar(first, shape), perChar(second, shape),
          Stats.millis(beforeNanos), Stats.millis(nowNanos), (double) nowNanos / beforeNanos);
    }
    System.out.println("load average " + Stats.loadAverage());
  }

  private static double perChar(List<Sample> samples, Shape shape) {
    long least = samples.stream().mapToLong(Sample::bytes).min().orElseThrow();
    return (double) least / shape.text().length();
  }

  private static List<Shape> shapes() {
    return List.of(
        new Shape("jobs, 1 MB", BaseConfigTexts.jobs(1 << 20)),
        new Shape("jobs, 10 KB", BaseConfigTexts.jobs(10 << 10)),
        new Shape("aliases and <<, 1 MB", BaseConfigTexts.aliased(1 << 20)),
        new Shape("100 labels a job, 1 MB", BaseConfigTexts.manyLabels(1 << 20)),
        new Shape("top-level << (refused)", "x: &top\n  scrape_configs: []\n<<: *top\n"
            + BaseConfigTexts.jobs(1 << 20)));
  }

  private static Method parser(String classPath) throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String entry : classPath.split(":")) {
      if (!entry.isEmpty()) {
        urls.add(Path.of(entry).toUri().toURL());
      }
    }
    URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new),
        ClassLoader.getPlatformClassLoader());
    return loader.loadClass("io.promcc.core.yaml.BaseConfig")
        .getMethod("parse", String.class, String.class);
  }

  private static Sample read(Method parse, String text) throws IllegalAccessException {
    long bytes = THREADS.getCurrentThreadAllocatedBytes();
    long start = System.nanoTime();
    try {
      parse.invoke(null, text, "base.yml");
    } catch (InvocationTargetException refused) {
      // a refused config is measured up to its refusal
    }
    long nanos = System.nanoTime() - start;
    return new Sample(THREADS.getCurrentThreadAllocatedBytes() - bytes, nanos);
  }
}
