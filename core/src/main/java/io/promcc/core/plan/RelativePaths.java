package io.promcc.core.plan;

/** Relative paths between files of the output folder, as Prometheus resolves them. */
final class RelativePaths {
  private RelativePaths() {}

  /** The folder part of a relative file path; {@code ""} for a file at the root. */
  static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }

  /** {@code target} as seen from folder {@code fromDir} (both relative to one root). */
  static String relativize(String fromDir, String target) {
    if (fromDir.isEmpty()) {
      return target;
    }
    String[] from = fromDir.split("/");
    String[] to = target.split("/");
    int common = 0;
    while (common < from.length && common < to.length - 1 && from[common].equals(to[common])) {
      common++;
    }
    StringBuilder out = new StringBuilder();
    for (int i = common; i < from.length; i++) {
      out.append("../");
    }
    for (int i = common; i < to.length; i++) {
      out.append(to[i]);
      if (i < to.length - 1) {
        out.append('/');
      }
    }
    return out.toString();
  }

  /**
   * Resolves {@code relative} against folder {@code dir}, the way Prometheus resolves a file named
   * in a config; {@code null} if the result would leave the root or is absolute.
   */
  static String resolve(String dir, String relative) {
    if (relative.startsWith("/")) {
      return null;
    }
    java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
    for (String part : (dir.isEmpty() ? relative : dir + "/" + relative).split("/")) {
      if (part.equals("..")) {
        if (parts.isEmpty()) {
          return null;
        }
        parts.removeLast();
      } else if (!part.isEmpty() && !part.equals(".")) {
        parts.addLast(part);
      }
    }
    return String.join("/", parts);
  }
}
