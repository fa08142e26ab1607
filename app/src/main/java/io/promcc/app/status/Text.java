package io.promcc.app.status;

import io.promcc.core.model.TextCut;
import java.time.Duration;

/** Formatting for probe details: durations the way Prometheus writes them, one-line text. */
final class Text {
  /**
   * Longest detail a probe reports; longer text is cut and ends with "...". Room for what
   * readiness waits for: two sources not synced (Services and Secrets), each naming its scope,
   * the call that failed, the API server and what to check, about 400 characters each; at 300,
   * one source's failure was cut before what to check.
   */
  static final int MAX_LENGTH = 1000;

  private Text() {}

  /**
   * A duration such as {@code 1m30s}, {@code 250ms} or {@code 2h0m5s}: whole units from the
   * largest present down to seconds, milliseconds only below one second. Negative durations
   * (a clock moved back) read as {@code 0s}.
   */
  static String duration(Duration duration) {
    if (duration.isNegative() || duration.isZero()) {
      return "0s";
    }
    long seconds = duration.getSeconds();
    if (seconds == 0) {
      long millis = duration.toMillis();
      return millis == 0 ? "<1ms" : millis + "ms";
    }
    long hours = seconds / 3600;
    long minutes = seconds % 3600 / 60;
    long secs = seconds % 60;
    if (hours > 0) {
      return hours + "h" + minutes + "m" + secs + "s";
    }
    if (minutes > 0) {
      return minutes + "m" + secs + "s";
    }
    return secs + "s";
  }

  /**
   * {@code text} on one line: line breaks and other control characters become spaces, runs of
   * spaces collapse, and text longer than {@link #MAX_LENGTH} is cut.
   */
  static String oneLine(String text) {
    StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_LENGTH) + 3);
    boolean space = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c)) {
        space = out.length() > 0;
        continue;
      }
      if (out.length() + (space ? 1 : 0) >= MAX_LENGTH) {
        // cut before c, and before the first half of the pair c would end
        int shown = out.length();
        return TextCut.cut(out.append(c).toString(), shown) + "...";
      }
      if (space) {
        out.append(' ');
        space = false;
      }
      out.append(c);
    }
    return out.toString();
  }
}
