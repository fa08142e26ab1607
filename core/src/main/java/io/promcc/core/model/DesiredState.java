package io.promcc.core.model;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * Everything the controller wants on the shared volume: a sorted map of relative path to file,
 * the path of the main configuration file, the clusters it covers, the clusters it had to leave
 * out (with reasons), and a SHA-256 content hash over paths, modes and bytes.
 *
 * <p>Immutable and thread-safe. Two states with the same files have the same hash, whatever the
 * order the clusters arrived in.
 */
public final class DesiredState {
  private final ImmutableSortedMap<String, DesiredFile> files;
  private final String configPath;
  private final ImmutableList<ClusterId> clusters;
  private final ImmutableList<Rejection> rejections;
  private final String hash;
  private final String configHash;
  /** What the hashes were taken over; see {@link #after}. */
  private final StateRecords records;

  /**
   * @param files relative path (forward slashes, no {@code ..}) to file
   * @param configPath the main configuration file; must be one of {@code files}
   * @param clusters the clusters whose jobs are in the config
   * @param rejections clusters left out, with reasons
   * @throws IllegalArgumentException on an unsafe path or a config path that is not in files
   */
  public DesiredState(Map<String, DesiredFile> files, String configPath,
      Collection<ClusterId> clusters, Collection<Rejection> rejections) {
    this(StateRecords.EMPTY, files, configPath, clusters, rejections);
  }

  private DesiredState(StateRecords previous, Map<String, DesiredFile> files, String configPath,
      Collection<ClusterId> clusters, Collection<Rejection> rejections) {
    requireNonNull(files, "files == null");
    requireNonNull(configPath, "configPath == null");
    this.files = ImmutableSortedMap.copyOf(files);
    this.records = StateRecords.of(this.files, previous, DesiredState::requireSafeRelativePath);
    if (!this.files.containsKey(configPath)
        || this.files.get(configPath).kind() != FileKind.MAIN_CONFIG) {
      throw new IllegalArgumentException("config path " + Quoting.quote(configPath)
          + " is not a main config file of the desired state");
    }
    this.configPath = configPath;
    this.clusters = ImmutableList.sortedCopyOf(clusters);
    this.rejections = ImmutableList.sortedCopyOf(rejections);
    this.hash = records.hash();
    this.configHash = records.configHash();
  }

  /**
   * The state the constructor makes of these arguments (equal to it, with the same hashes),
   * made in time proportional to the files that differ from {@code previous}'s: a path and file
   * that are the very instances {@code previous} holds (what a planner reusing its last output
   * passes) are neither checked nor hashed again, their hash records are copied. Any
   * {@code previous} gives the same result; one that shares nothing only saves nothing.
   *
   * @throws IllegalArgumentException as the constructor
   */
  public static DesiredState after(DesiredState previous, Map<String, DesiredFile> files,
      String configPath, Collection<ClusterId> clusters, Collection<Rejection> rejections) {
    requireNonNull(previous, "previous == null");
    return new DesiredState(previous.records, files, configPath, clusters, rejections);
  }

  /**
   * SHA-256 (hex) over every path, mode, kind, size and the SHA-256 of each content, in path
   * order. Each file's own hash is computed once per {@link DesiredFile}, so a state that reuses
   * most files of the last one is hashed in time proportional to the number of files, not to
   * their bytes.
   */
  public static String hashOf(SortedMap<String, DesiredFile> files) {
    return StateRecords.of(ImmutableSortedMap.copyOfSorted(files), StateRecords.EMPTY,
        StateRecords.PathCheck.NONE).hash();
  }

  /**
   * SHA-256 (hex) over the configuration files alone (main and scrape config files): what
   * Prometheus must reload for. Certificates are left out, as Prometheus re-reads TLS files by
   * itself and a renewal must not make a configuration look new.
   */
  public static String configHashOf(SortedMap<String, DesiredFile> files) {
    return StateRecords.of(ImmutableSortedMap.copyOfSorted(files), StateRecords.EMPTY,
        StateRecords.PathCheck.NONE).configHash();
  }

  /**
   * The one instance of {@code path} that the planner and a {@link io.promcc.core.port.ConfigStore}
   * both keep ({@link String#intern()}): a planned path is then compared with a stored one, and
   * with the last plan's, by identity, without reading either (at 40,000 paths spread over the
   * heap, reading them is most of what a diff costs). Call it where a path is made or parsed,
   * not per comparison.
   */
  public static String sharedPath(String path) {
    return requireNonNull(path, "path == null").intern();
  }

  /**
   * Checks that {@code path} is relative, uses forward slashes and cannot escape its root.
   *
   * @throws IllegalArgumentException otherwise
   */
  public static String requireSafeRelativePath(String path) {
    requireNonNull(path, "path == null");
    if (path.isEmpty() || path.startsWith("/") || path.contains("\\") || path.contains("\0")) {
      throw new IllegalArgumentException("unsafe path " + Quoting.quote(path));
    }
    // segment by segment without split: this runs for every file of every plan
    int start = 0;
    while (true) {
      int end = path.indexOf('/', start);
      int stop = end < 0 ? path.length() : end;
      int length = stop - start;
      if (length == 0 || (length <= 2 && path.charAt(start) == '.'
          && (length == 1 || path.charAt(start + 1) == '.'))) {
        throw new IllegalArgumentException("unsafe path " + Quoting.quote(path));
      }
      if (end < 0) {
        return path;
      }
      start = end + 1;
    }
  }

  /** Relative path to file, sorted by path. */
  public SortedMap<String, DesiredFile> files() {
    return files;
  }

  /** The main configuration file's relative path, e.g. {@code prometheus.yml}. */
  public String configPath() {
    return configPath;
  }

  /** The main configuration file. */
  public DesiredFile config() {
    return files.get(configPath);
  }

  /** Clusters whose jobs the config holds, sorted. */
  public List<ClusterId> clusters() {
    return clusters;
  }

  /** Clusters left out, with reasons, sorted. */
  public List<Rejection> rejections() {
    return rejections;
  }

  /** SHA-256 (hex) of the files. */
  public String hash() {
    return hash;
  }

  /** SHA-256 (hex) of the configuration files alone; see {@link #configHashOf}. */
  public String configHash() {
    return configHash;
  }

  /** Paths in the order they must be written: certificates and keys, then config files. */
  public List<String> writeOrder() {
    return writeOrder(files);
  }

  /**
   * The paths of {@code sorted} (by path) ordered by their kind's write order, then by path: one
   * pass per write-order rank over the already sorted map, no sort.
   */
  public static List<String> writeOrder(SortedMap<String, DesiredFile> sorted) {
    List<String> out = new ArrayList<>(sorted.size());
    int lowest = Integer.MAX_VALUE;
    int highest = Integer.MIN_VALUE;
    for (FileKind kind : FileKind.values()) {
      lowest = Math.min(lowest, kind.writeOrder());
      highest = Math.max(highest, kind.writeOrder());
    }
    for (int rank = lowest; rank <= highest; rank++) {
      for (Map.Entry<String, DesiredFile> e : sorted.entrySet()) {
        if (e.getValue().kind().writeOrder() == rank) {
          out.add(e.getKey());
        }
      }
    }
    return out;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof DesiredState that && hash.equals(that.hash)
        && files.equals(that.files) && configPath.equals(that.configPath)
        && clusters.equals(that.clusters) && rejections.equals(that.rejections);
  }

  @Override
  public int hashCode() {
    return hash.hashCode();
  }

  @Override
  public String toString() {
    return "DesiredState{" + files.size() + " files, " + clusters.size() + " clusters, "
        + rejections.size() + " rejected, hash=" + hash.substring(0, 12) + "}";
  }
}
