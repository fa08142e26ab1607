package io.promcc.core.plan;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What it takes to turn the files on disk into a desired state.
 *
 * @param writes paths to (re)write, in write order: certificates and keys before the config
 *     files that name them
 * @param deletes owned paths that are no longer desired, in the reverse of the write order
 *     (config files before the certificates they named, so a config never names a deleted
 *     file); delete them after the writes
 * @param configChanged true if a config file is written or deleted, so Prometheus must reload;
 *     a certificate-only change needs no reload, as Prometheus re-reads TLS files itself
 */
public record FileDiff(List<String> writes, List<String> deletes, boolean configChanged) {

  /** Copies both lists. */
  public FileDiff {
    writes = List.copyOf(writes);
    deletes = List.copyOf(deletes);
  }

  /**
   * Compares {@code desired} with {@code current}.
   *
   * @param current the files the controller owns on disk now (per its ownership manifest), by
   *     relative path; files it does not own must not be passed, so they are never deleted
   */
  public static FileDiff between(DesiredState desired, Map<String, DesiredFile> current) {
    requireNonNull(desired, "desired == null");
    requireNonNull(current, "current == null");
    SortedMap<String, DesiredFile> have = current instanceof SortedMap<String, DesiredFile> sorted
        && sorted.comparator() == null ? sorted : new TreeMap<>(current);
    // one merge-join over the two path-sorted maps: no lookups, no sort of all paths. Paths and
    // files are held as Objects and compared by reference first: see compare
    SortedMap<String, DesiredFile> changed = new TreeMap<>();
    List<String> deletes = new ArrayList<>();
    boolean configChanged = false;
    Object[] wantPaths = desired.files().keySet().toArray();
    Object[] wantFiles = desired.files().values().toArray();
    // paths and files walked side by side, not as entries: a store's read-only view of its map
    // wraps every entry it hands out, 40,000 objects per diff at 10,000 clusters
    Iterator<String> havePaths = have.keySet().iterator();
    Iterator<DesiredFile> haveFiles = have.values().iterator();
    Object hadPath = next(havePaths); // an Object: its String type would check the class
    Object hadFile = next(haveFiles);
    int i = 0;
    while (i < wantPaths.length || hadPath != null) {
      int order = i == wantPaths.length ? 1 : hadPath == null ? -1
          : compare(wantPaths[i], hadPath);
      if (order <= 0) {
        Object want = wantFiles[i];
        if (order < 0 || !sameFile(want, hadFile)) {
          DesiredFile file = (DesiredFile) want;
          changed.put((String) wantPaths[i], file);
          configChanged |= file.kind().isConfig();
        }
        i++;
      } else {
        deletes.add((String) hadPath);
        configChanged |= ((DesiredFile) hadFile).kind().isConfig();
      }
      if (order >= 0) {
        hadPath = next(havePaths);
        hadFile = next(haveFiles);
      }
    }
    deletes.sort(Comparator.comparingInt((String p) -> -have.get(p).kind().writeOrder())
        .thenComparing(Comparator.naturalOrder()));
    return new FileDiff(DesiredState.writeOrder(changed), deletes, configChanged);
  }

  /**
   * Path order. A store's paths are the very strings the planner made where both keep
   * {@link DesiredState#sharedPath} instances: those are equal without reading them, which at
   * 40,000 paths scattered over the heap is most of the diff's cost. Taken as {@code Object}s,
   * as the files in {@link #sameFile}: using one as a {@code String} would check its class, a
   * read of the object itself.
   */
  private static int compare(Object want, Object had) {
    return want == had ? 0 : ((String) want).compareTo((String) had);
  }

  /** Equal files; the same instance (a planner's reused file the store kept) without a read. */
  private static boolean sameFile(Object want, Object had) {
    return want == had || want.equals(had);
  }

  private static <T> T next(Iterator<T> it) {
    return it.hasNext() ? it.next() : null;
  }

  /**
   * The certificate and key writes alone, without deletions: what may land before Prometheus is
   * known to be up, since no config names a new file yet.
   */
  public FileDiff certificatePart(DesiredState desired) {
    return new FileDiff(writes.stream()
        .filter(path -> !desired.files().get(path).kind().isConfig()).toList(), List.of(), false);
  }

  /** The config writes and every deletion: the part after {@link #certificatePart}. */
  public FileDiff configPart(DesiredState desired) {
    return new FileDiff(writes.stream()
        .filter(path -> desired.files().get(path).kind().isConfig()).toList(), deletes,
        configChanged);
  }

  /** True if nothing is to be written or deleted. */
  public boolean isEmpty() {
    return writes.isEmpty() && deletes.isEmpty();
  }
}
