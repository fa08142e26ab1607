package io.promcc.prometheus;

import java.util.Set;

/**
 * What a read must check. {@code all}: every owned file (by its status, as without a watch).
 * Otherwise the files in {@code folders} (by status) and the files {@code named} by an event
 * (their bytes read again: an event is proof of a change that the status may not show), of
 * which {@code modified} were named by a modification (bytes or status changed in place), the
 * others only by being created, renamed or removed. {@link OwnedFileWatch#changes} answers one.
 */
record OwnedFileChanges(boolean all, Set<String> named, Set<String> folders, Set<String> modified) {
  static final OwnedFileChanges ALL = new OwnedFileChanges(true, Set.of(), Set.of(), Set.of());

  /** Whether the owned file at {@code path} (relative, '/'-separated) must be checked. */
  boolean mustCheck(String path) {
    if (all || named.contains(path)) {
      return true;
    }
    if (folders.isEmpty()) {
      return false;
    }
    int slash = path.lastIndexOf('/');
    return folders.contains(slash < 0 ? "" : path.substring(0, slash));
  }

  /** Whether an event named {@code path}: its bytes are read again, whatever its status. */
  boolean named(String path) {
    return named.contains(path);
  }

  /** Whether a modification event named {@code path} (changed in place). */
  boolean modified(String path) {
    return modified.contains(path);
  }
}
