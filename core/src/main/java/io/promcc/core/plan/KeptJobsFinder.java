package io.promcc.core.plan;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableSortedMap;
import com.google.common.collect.ImmutableSortedSet;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.DesiredFile;
import java.lang.ref.WeakReference;
import java.util.Collection;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Finds the jobs that clusters present but unreadable have on disk, for an {@link Observation}'s
 * {@code keptJobs}: with per-cluster files its scrape config file, in a merged config the jobs
 * the controller wrote for it there, with these settings; a cluster with none found there has no
 * job (an empty scrape config file, or no item) and is kept on its certificate files. One is
 * kept by a caller of {@link Planner#plan(Observation, ControllerSettings)} from one reconcile to
 * the next (the reconciler's observer): finding the unreadable clusters' jobs in a merged config
 * walks the whole config (87 MB at 10,000 clusters), and a cluster may stay unreadable for days.
 *
 * <p>So the last walk's answer is kept with what it was asked: the config file instance, the
 * clusters and the settings, and given again while all three are the same. The store gives the
 * very file it read or wrote last time while the file on disk holds those bytes (see
 * {@link io.promcc.core.port.ConfigStore#readOwned}'s implementations), so an unchanged config
 * is the same instance; one read anew with the same bytes is walked again, which is as costly
 * as comparing it. The config is held weakly: the memo keeps no config alive that the store has
 * let go of.
 *
 * <p>Safe for use by several threads; each call's answer is the same as a fresh finder's.
 */
public final class KeptJobsFinder {
  private final AtomicLong walks = new AtomicLong();
  private final AtomicReference<Memo> last = new AtomicReference<>();

  /** A walk's answer and what it was asked. */
  private record Memo(WeakReference<DesiredFile> main, Set<ClusterId> ids,
      ControllerSettings settings, SortedMap<ClusterId, DesiredFile> items) {
    boolean answers(DesiredFile file, Set<ClusterId> asked, ControllerSettings with) {
      return main.get() == file && ids.equals(asked) && settings.equals(with);
    }
  }

  /**
   * Finds the jobs of {@code clusters} in {@code onDisk}, the files the store holds.
   *
   * @return each of {@code clusters} with its jobs; never null
   * @throws NullPointerException if an argument is null
   */
  public SortedMap<ClusterId, DesiredFile> find(Collection<ClusterId> clusters,
      SortedMap<String, DesiredFile> onDisk, ControllerSettings settings) {
    requireNonNull(clusters, "clusters == null");
    requireNonNull(onDisk, "onDisk == null");
    requireNonNull(settings, "settings == null");
    return KeptJobs.find(clusters, onDisk, settings, this::walk);
  }

  private SortedMap<ClusterId, DesiredFile> walk(Collection<ClusterId> ids, DesiredFile main,
      ControllerSettings settings) {
    Set<ClusterId> asked = ImmutableSortedSet.copyOf(ids);
    Memo memo = last.get();
    if (memo != null && memo.answers(main, asked, settings)) {
      return memo.items();
    }
    walks.incrementAndGet();
    SortedMap<ClusterId, DesiredFile> items =
        ImmutableSortedMap.copyOfSorted(KeptJobs.walk(asked, main, settings));
    last.set(new Memo(new WeakReference<>(main), asked, settings, items));
    return items;
  }

  /** How many times a merged config was walked (for tests). */
  long walks() {
    return walks.get();
  }
}
