package io.promcc.app.run;

import io.promcc.app.local.FileWatcher;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The watches of the planner's files, the base config and the profile: a change of either
 * reloads both ({@link PlanInputs#reload(Runnable)}), and a new planner triggers a reconcile.
 */
final class PlannerFileWatches {
  private PlannerFileWatches() {}

  /**
   * Watches {@code files} with {@code watcher}, telling {@code changed} why when the planner
   * changed.
   *
   * @return what has the files read again at the watcher's next check, changed or not (for a
   *     file still being written when its wait to hold still ended); nothing if no file is
   *     watched
   */
  static Runnable watch(FileWatcher watcher, List<Path> files, PlanInputs inputs,
      Consumer<String> changed) {
    // every listener reloads both files: only the watch whose reload gave up is run again,
    // where each run would reload them again, each a wait for a file still changing, on the
    // watcher's thread (a base config written for ever held it 8 s at each check, not 4)
    Runnable readAgain = () -> { };
    for (Path file : files) {
      AtomicReference<FileWatcher.Watch> self = new AtomicReference<>();
      Runnable again = () -> {
        FileWatcher.Watch watch = self.get();
        if (watch != null) {
          watch.recheck();
        }
      };
      self.set(watcher.watch(file, () -> {
        if (inputs.reload(again)) {
          changed.accept(file + " changed");
        }
      }));
      if (file == files.get(0)) {
        readAgain = again;
      }
    }
    return readAgain;
  }
}
