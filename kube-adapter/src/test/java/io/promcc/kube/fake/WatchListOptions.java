package io.promcc.kube.fake;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The options of a streaming list ({@code sendInitialEvents}) and {@code resourceVersionMatch},
 * checked as the API server checks them (apimachinery's {@code ValidateListOptions}, the
 * WatchList feature on): each problem is named in a 422 Invalid. A watch with
 * {@code sendInitialEvents} needs {@code resourceVersionMatch=NotOlderThan}, nothing more; it
 * gets the bookmark ending its initial events only if it allows bookmarks, as the API server
 * sends it ({@code isListWatchRequest} in get.go).
 */
final class WatchListOptions {
  private static final String NOT_OLDER_THAN = "NotOlderThan";
  private static final String EXACT = "Exact";

  /** What a valid request asks for. */
  enum Mode {
    /** A list, or a watch without {@code sendInitialEvents}. */
    PLAIN,
    /** {@code sendInitialEvents=true}: the objects as ADDED events, then the changes. */
    INITIAL_EVENTS,
    /** {@code sendInitialEvents=false}: the changes from the version named, or the newest. */
    NO_INITIAL_EVENTS
  }

  private WatchListOptions() {}

  /**
   * What {@code query} asks for, on a watch if {@code watch}.
   *
   * @throws ApiError 422 Invalid if the options do not go together
   */
  static Mode mode(Map<String, String> query, boolean watch) {
    String send = query.get("sendInitialEvents");
    String match = query.getOrDefault("resourceVersionMatch", "");
    String version = query.getOrDefault("resourceVersion", "");
    boolean continued = !query.getOrDefault("continue", "").isEmpty();
    List<String> problems = new ArrayList<>();
    if (watch) {
      if (send != null && !match.equals(NOT_OLDER_THAN)) {
        problems.add(forbidden("sendInitialEvents requires setting resourceVersionMatch to "
            + NOT_OLDER_THAN));
      }
      if (!match.isEmpty()) {
        if (send == null) {
          problems.add(forbidden("resourceVersionMatch is forbidden for watch unless"
              + " sendInitialEvents is provided"));
        }
        if (!match.equals(NOT_OLDER_THAN)) {
          problems.add(unsupported(match, "\"" + NOT_OLDER_THAN + "\""));
        }
        if (continued) {
          problems.add(forbidden("resourceVersionMatch is forbidden when continue is provided"));
        }
      }
    } else {
      if (!match.isEmpty()) {
        if (version.isEmpty()) {
          problems.add(forbidden("resourceVersionMatch is forbidden unless resourceVersion is"
              + " provided"));
        }
        if (continued) {
          problems.add(forbidden("resourceVersionMatch is forbidden when continue is provided"));
        }
        if (!match.equals(EXACT) && !match.equals(NOT_OLDER_THAN)) {
          problems.add(unsupported(match,
              "\"" + EXACT + "\", \"" + NOT_OLDER_THAN + "\", \"\""));
        }
        if (match.equals(EXACT) && version.equals("0")) {
          problems.add(forbidden("resourceVersionMatch \"exact\" is forbidden for"
              + " resourceVersion \"0\""));
        }
      }
      if (send != null) {
        problems.add("sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list");
      }
    }
    if (!problems.isEmpty()) {
      List<String> distinct = problems.stream().distinct().toList();
      String causes = distinct.size() == 1 ? distinct.get(0)
          : "[" + String.join(", ", distinct) + "]";
      throw new ApiError(422, "Invalid", "ListOptions.meta.k8s.io \"\" is invalid: " + causes);
    }
    if (!watch || send == null) {
      return Mode.PLAIN;
    }
    return isTrue(send) ? Mode.INITIAL_EVENTS : Mode.NO_INITIAL_EVENTS;
  }

  /**
   * A boolean query parameter as the API server reads it: false only for "0" and "false" (any
   * case), true for any other value, an empty one too.
   */
  static boolean isTrue(String value) {
    return !value.equals("0") && !value.equalsIgnoreCase("false");
  }

  private static String forbidden(String detail) {
    return "resourceVersionMatch: Forbidden: " + detail;
  }

  private static String unsupported(String value, String supported) {
    return "resourceVersionMatch: Unsupported value: \"" + value + "\": supported values: "
        + supported;
  }
}
