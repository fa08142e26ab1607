package io.promcc.core.reconcile;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.plan.FileDiff;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;

/** Paths written and deleted so far in this delivery. */
final class Written {
  final List<String> paths = new ArrayList<>();
  final List<String> deleted = new ArrayList<>();

  void add(FileDiff diff) {
    paths.addAll(diff.writes());
    deleted.addAll(diff.deletes());
  }

  /** What a restore changed, from the owned files before and after it. */
  void addRestored(SortedMap<String, DesiredFile> before, SortedMap<String, DesiredFile> after) {
    after.forEach((path, file) -> {
      if (!file.equals(before.get(path))) {
        paths.add(path);
      }
    });
    before.keySet().forEach(path -> {
      if (!after.containsKey(path)) {
        deleted.add(path);
      }
    });
  }
}
