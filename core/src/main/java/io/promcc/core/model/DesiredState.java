package io.promcc.core.model;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;
import com.google.common.hash.HashCode;
import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
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

  /**
   * @param files relative path (forward slashes, no {@code ..}) to file
   * @param configPath the main configuration file; must be one of {@code files}
   * @param clusters the clusters whose jobs are in the config
   * @param rejections clusters left out, with reasons
   * @throws IllegalArgumentException on an unsafe path or a config path that is not in files
   */
  public DesiredState(Map<String, DesiredFile> files, String configPath,
      Collection<ClusterId> clusters, Collection<Rejection> rejections) {
    requireNonNull(files, "files == null");
    requireNonNull(configPath, "configPath == null");
    this.files = ImmutableSortedMap.copyOf(files);
    // the checks and both hashes in one pass, which reads each path once (at 40,000 files the
    // reads, not the work on them, are the cost); the same hashes as hashOf and configHashOf
    StateHasher all = new StateHasher();
    StateHasher configs = new StateHasher();
    this.files.forEach((path, file) -> {
      requireSafeRelativePath(path);
      all.put(path, file);
      if (file.kind().isConfig()) {
        configs.put(path, file);
      }
    });
    if (!this.files.containsKey(configPath)
        || this.files.get(configPath).kind() != FileKind.MAIN_CONFIG) {
      throw new IllegalArgumentException("config path " + Quoting.quote(configPath)
          + " is not a main config file of the desired state");
    }
    this.configPath = configPath;
    this.clusters = ImmutableList.sortedCopyOf(clusters);
    this.rejections = ImmutableList.sortedCopyOf(rejections);
    this.hash = all.hash();
    this.configHash = configs.hash();
  }

  /**
   * SHA-256 (hex) over every path, mode, kind, size and the SHA-256 of each content, in path
   * order. Each file's own hash is computed once per {@link DesiredFile}, so a state that reuses
   * most files of the last one is hashed in time proportional to the number of files, not to
   * their bytes.
   */
  public static String hashOf(SortedMap<String, DesiredFile> files) {
    StateHasher hasher = new StateHasher();
    files.forEach(hasher::put);
    return hasher.hash();
  }

  /**
   * SHA-256 (hex) over the configuration files alone (main and scrape config files): what
   * Prometheus must reload for. Certificates are left out, as Prometheus re-reads TLS files by
   * itself and a renewal must not make a configuration look new.
   */
  public static String configHashOf(SortedMap<String, DesiredFile> files) {
    StateHasher hasher = new StateHasher();
    files.forEach((path, file) -> {
      if (file.kind().isConfig()) {
        hasher.put(path, file);
      }
    });
    return hasher.hash();
  }

  /**
   * SHA-256 over file records: per file its path (UTF-8), a zero byte, mode, kind ordinal and
   * size (each four bytes, little-endian) and its content's SHA-256. The records are gathered in
   * a block and handed to the digest a block at a time: at 40,000 files, six calls per file into
   * the digest cost more than hashing the bytes.
   */
  private static final class StateHasher {
    /** Everything of a record but its path. */
    private static final int FIXED = 1 + 3 * Integer.BYTES + 32;

    private final Hasher hasher = Hashing.sha256().newHasher();
    private final ByteBuffer block = ByteBuffer.allocate(8192).order(ByteOrder.LITTLE_ENDIAN);

    void put(String path, DesiredFile file) {
      byte[] name = path.getBytes(StandardCharsets.UTF_8);
      if (block.remaining() < name.length + FIXED) {
        flush();
      }
      if (name.length + FIXED > block.capacity()) {
        hasher.putBytes(name);
      } else {
        block.put(name);
      }
      block.put((byte) 0).putInt(file.mode()).putInt(file.kind().ordinal()).putInt(file.size());
      HashCode digest = file.digest();
      block.position(block.position()
          + digest.writeBytesTo(block.array(), block.position(), digest.bits() / Byte.SIZE));
    }

    String hash() {
      flush();
      return hasher.hash().toString();
    }

    private void flush() {
      hasher.putBytes(block.array(), 0, block.position());
      block.clear();
    }
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
