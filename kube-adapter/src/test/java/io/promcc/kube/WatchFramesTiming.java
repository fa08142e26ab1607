package io.promcc.kube;

import com.google.gson.JsonParser;
import java.io.IOException;
import java.util.Arrays;
import okio.Buffer;

/**
 * Times {@link WatchFrames#next} on watch events of about a megabyte, read from memory (no
 * network), beside the line-by-line reading client-java's watch did (a line, then Gson's lenient
 * parse), for the record in docs/benchmarks.md. Not a test: run by hand, alone on the machine,
 * with {@code java -cp <test classes>:<classes>:<dependencies> io.promcc.kube.WatchFramesTiming
 * [events] [kib]}. Prints the median and the fastest and slowest time per event of each reading,
 * for an event of ASCII text and one whose annotation is all two-byte UTF-8.
 */
public final class WatchFramesTiming {
  private WatchFramesTiming() {}

  /** An ADDED event of a Service with an annotation of {@code kib} KiB of {@code unit}s. */
  static String event(String name, int kib, String unit) {
    int bytes = kib * 1024 / unit.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    return "{\"type\":\"ADDED\",\"object\":{\"kind\":\"Service\",\"apiVersion\":\"v1\","
        + "\"metadata\":{\"name\":\"" + name + "\",\"resourceVersion\":\"1\","
        + "\"annotations\":{\"big\":\"" + unit.repeat(bytes) + "\"}}}}\n";
  }

  /** Times {@code events} reads of {@code event}, each from a buffer holding it; ms each. */
  private static double[] time(String event, int events, boolean lines) throws IOException {
    double[] millis = new double[events];
    long check = 0;
    for (int i = 0; i < events; i++) {
      Buffer source = new Buffer().writeUtf8(event);
      long start = System.nanoTime();
      if (lines) {
        check += JsonParser.parseString(source.readUtf8LineStrict()).getAsJsonObject().size();
      } else {
        check += WatchFrames.next(source).getAsJsonObject().size();
      }
      millis[i] = (System.nanoTime() - start) / 1e6;
    }
    if (check != 2L * events) {
      throw new AssertionError("an event was read wrong");
    }
    return millis;
  }

  private static String summary(double[] millis) {
    double[] sorted = millis.clone();
    Arrays.sort(sorted);
    return String.format("median %.1f ms (min %.1f, max %.1f)", sorted[sorted.length / 2],
        sorted[0], sorted[sorted.length - 1]);
  }

  public static void main(String[] args) throws IOException {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    int kib = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
    for (String unit : new String[] {"x", "\u00e9"}) {
      String event = event("a", kib, unit);
      time(event, events, false); // warm-up
      time(event, events, true);
      String kind = unit.equals("x") ? "ascii" : "2-byte utf-8";
      String frames = summary(time(event, events, false));
      String lines = summary(time(event, events, true));
      System.out.println(kib + " KiB, " + kind + ", frames: " + frames);
      System.out.println(kib + " KiB, " + kind + ", lines:  " + lines);
    }
  }
}
