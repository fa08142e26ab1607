package io.promcc.kube.fake;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The options of a streaming list ({@code sendInitialEvents}), checked as the API server checks
 * them (apimachinery's ListOptions validation): set on a list, or on a watch without
 * {@code resourceVersionMatch=NotOlderThan} or {@code allowWatchBookmarks=true}, they are refused
 * with 422 Invalid naming each problem.
 */
final class WatchListOptions {
  private WatchListOptions() {}

  /**
   * Whether {@code query} asks for a streaming list ({@code sendInitialEvents=true}), on a watch
   * if {@code watch}.
   *
   * @throws ApiError 422 Invalid if the options do not go together
   */
  static boolean streaming(Map<String, String> query, boolean watch) {
    String send = query.get("sendInitialEvents");
    if (send == null) {
      return false;
    }
    List<String> problems = new ArrayList<>();
    if (!watch) {
      problems.add("sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list");
    } else {
      if (!"NotOlderThan".equals(query.get("resourceVersionMatch"))) {
        problems.add("resourceVersionMatch: Forbidden: sendInitialEvents requires setting"
            + " resourceVersionMatch to NotOlderThan");
      }
      if (isTrue(send) && !isTrue(query.get("allowWatchBookmarks"))) {
        problems.add("allowWatchBookmarks: Forbidden: sendInitialEvents requires setting"
            + " allowWatchBookmarks to true");
      }
    }
    if (!problems.isEmpty()) {
      String causes = problems.size() == 1 ? problems.get(0)
          : "[" + String.join(", ", problems) + "]";
      throw new ApiError(422, "Invalid", "ListOptions.meta.k8s.io \"\" is invalid: " + causes);
    }
    return isTrue(send);
  }

  private static boolean isTrue(String value) {
    return "true".equals(value) || "1".equals(value);
  }
}
