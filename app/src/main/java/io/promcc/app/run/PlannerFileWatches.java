package io.promcc.app.run;

import static java.util.Objects.requireNonNull;

import io.promcc.app.local.CoalescedRuns;
import io.promcc.app.local.FileWatcher;
import io.promcc.app.local.StopBudget;
import io.promcc.core.model.Quoting;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The watches of the planner's files, the base config and the profile: a change of either
 * reloads both ({@link PlanInputs#reload(Runnable)}), and a new planner triggers a reconcile.
 * The reloads run on a thread of their own ({@link CoalescedRuns}), one at a time and in order:
 * their waits for the files to hold still (up to 4 s each) do not hold the shared watcher's
 * thread, so a file that keeps changing does not hold back the other watched files' changes
 * (the clusters file's, {@code --cert-dir}'s). Changes seen before a reload begins are one
 * reload. Thread-safe; {@link #close()} stops the reloads, waiting for one under way at most
 * what is left of the watcher's {@link FileWatcher#stopBudget()} (or
 * {@link StopBudget#LEAST}).
 */
final class PlannerFileWatches implements AutoCloseable {
  private final PlanInputs inputs;
  private final Consumer<String> newPlanner;
  private final CoalescedRuns reloads;
  // guarded by this
  private final Map<Path, FileWatcher.Watch> watches = new LinkedHashMap<>();
  private final Set<Path> unread = new LinkedHashSet<>(); // changed, not yet read holding still
  private Path givenUp; // whose watch gave up its first read: the start fails naming it

  private PlannerFileWatches(List<Path> files, PlanInputs inputs, Consumer<String> changed,
      Executor executor, StopBudget stops) {
    this.inputs = requireNonNull(inputs, "inputs == null");
    this.newPlanner = requireNonNull(changed, "changed == null");
    String name = "promcc-planner-files";
    // the files named, as the watcher's line of a failed listener named its file
    String what = "reading " + files.stream().map(file -> Quoting.quote(file.toString()))
        .collect(Collectors.joining(" and "));
    this.reloads = CoalescedRuns.onOwnThreadUnless(executor, name, what, stops,
        this::reload);
  }

  /**
   * Watches {@code files} with {@code watcher}, telling {@code changed} why when the planner
   * changed; the reloads run on a thread made at the first change. A file whose watch gave up
   * its first read (its volume hangs: {@link FileWatcher.Watch#firstReadGivenUp()}) is the last
   * watched, and {@link #readNow()} fails naming it: the files after it, on the same volume
   * perhaps, are not watched, as each watch would wait its bound again for nothing.
   */
  static PlannerFileWatches watch(FileWatcher watcher, List<Path> files, PlanInputs inputs,
      Consumer<String> changed) {
    return watch(watcher, files, inputs, changed, null);
  }

  /**
   * As above, the reloads run with {@code executor} (one at a time, in order: a seam for tests,
   * which run them by hand or on the watcher's thread); its own thread if null.
   */
  static PlannerFileWatches watch(FileWatcher watcher, List<Path> files, PlanInputs inputs,
      Consumer<String> changed, Executor executor) {
    PlannerFileWatches watches = new PlannerFileWatches(files, inputs, changed, executor,
        watcher.stopBudget());
    for (Path file : files) {
      FileWatcher.Watch watch = watcher.watch(file, () -> watches.seen(file));
      boolean hung = watch.firstReadGivenUp(); // outside this lock: it takes the watcher's
      synchronized (watches) {
        watches.watches.put(file, watch);
        if (hung) {
          watches.givenUp = file;
        }
      }
      if (hung) {
        break;
      }
    }
    return watches;
  }

  /**
   * Reads the files again, as a change is read, for what may have changed before they were
   * watched; one still changing is read again at the watcher's next check. At start: each read
   * of a file on a reader thread waited for at most 10 s ({@link PlanInputs#atStart}), not the
   * waits for the files to hold still. Fails at once, reading nothing, when a watch gave up its
   * first read: the watch waited its bound for the file's volume, and a read would wait as long
   * again.
   *
   * @throws io.promcc.core.model.ValidationException naming the file whose read did not end in
   *     time (or whose watch's first read did not)
   */
  void readNow() {
    Path hung;
    synchronized (this) {
      hung = givenUp;
    }
    if (hung != null) {
      throw inputs.notEnded(hung);
    }
    inputs.atStart(this::reload);
  }

  /** Stops the reloads: one under way has its waits interrupted and is waited for, bounded. */
  @Override
  public void close() {
    reloads.close();
  }

  /** On the watcher's thread: a file changed, or is to be read again. */
  private void seen(Path file) {
    synchronized (this) {
      unread.add(file);
    }
    reloads.ask();
  }

  /** Reads both files once they hold still; one at a time (PlanInputs is locked meanwhile). */
  private void reload() {
    List<Path> files;
    synchronized (this) { // a change seen from now on is read again after this reload
      files = List.copyOf(unread);
      unread.clear();
    }
    boolean[] gaveUp = {false};
    boolean taken = inputs.reload(() -> gaveUp[0] = true);
    if (gaveUp[0]) {
      // still changing, or written again since: read again at the next check, changed or not;
      // one watch is enough, as each change reads both files
      synchronized (this) {
        unread.addAll(files);
      }
      recheck();
      return;
    }
    if (taken) {
      files.forEach(file -> newPlanner.accept(file + " changed"));
    }
  }

  private void recheck() {
    FileWatcher.Watch watch;
    synchronized (this) {
      watch = unread.isEmpty() ? watches.values().stream().findFirst().orElse(null)
          : watches.get(unread.iterator().next());
    }
    if (watch != null) {
      watch.recheck();
    }
  }
}
