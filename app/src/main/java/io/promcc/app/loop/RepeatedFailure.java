package io.promcc.app.loop;

import io.promcc.prometheus.AtomicFileStore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tells whether a failed reconcile says what the one logged before it said: the same message
 * once the random part of the store's temporary file names is left out. Each write makes a
 * temporary file of a new name ({@code .<name>.promcc-tmp-<random>}), which the failure of that
 * write names, so an output folder that takes no file fails every retry in other words.
 */
final class RepeatedFailure {
  private static final Pattern TEMPORARY_NAME = Pattern.compile(
      Pattern.quote(AtomicFileStore.TEMP_MARKER) + "[0-9a-f]+");

  private RepeatedFailure() {}

  /** Whether {@code message} says what {@code before} said; false if there was none before. */
  static boolean same(String message, String before) {
    return before != null && comparable(message).equals(comparable(before));
  }

  private static String comparable(String message) {
    return TEMPORARY_NAME.matcher(message)
        .replaceAll(Matcher.quoteReplacement(AtomicFileStore.TEMP_MARKER + "*"));
  }
}
