package io.promcc.core.port;

import io.promcc.core.model.ValidationException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link FileValidator}'s finding where every problem lies in a file it names (a certificate
 * that does not parse, a key that does not match its certificate): the reconciler can then leave
 * out, or keep the last files of, just the clusters whose files they are, instead of writing
 * nothing for any cluster. A problem of the config as a whole (what promtool says) is a plain
 * {@link ValidationException}.
 */
public final class InvalidFilesException extends ValidationException {
  private static final long serialVersionUID = 1L;

  private final Map<String, List<String>> problemsByPath;

  /**
   * @param problemsByPath each invalid file's relative path with its problems, in the order to
   *     report them; not empty, and no path without a problem
   */
  public InvalidFilesException(String subject, Map<String, List<String>> problemsByPath) {
    super(subject, flatten(problemsByPath));
    Map<String, List<String>> copy = new LinkedHashMap<>();
    problemsByPath.forEach((path, problems) -> {
      if (problems.isEmpty()) {
        throw new IllegalArgumentException("no problem for " + path);
      }
      copy.put(path, List.copyOf(problems));
    });
    this.problemsByPath = Collections.unmodifiableMap(copy);
  }

  private static List<String> flatten(Map<String, List<String>> problemsByPath) {
    List<String> all = new ArrayList<>();
    problemsByPath.values().forEach(all::addAll);
    return all;
  }

  /** Each invalid file's relative path with its problems, in the order reported. */
  public Map<String, List<String>> problemsByPath() {
    return problemsByPath;
  }
}
