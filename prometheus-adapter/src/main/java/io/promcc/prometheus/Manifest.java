package io.promcc.prometheus;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.FileKind;
import io.promcc.core.port.ConfigStoreException;
import io.promcc.core.port.RejectedConfig;
import io.promcc.core.port.Verification;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The ownership manifest: which files the store wrote (path, SHA-256, kind, mode) and the last
 * verified set. A line format rather than JSON or YAML: it is read and written on every apply,
 * for tens of thousands of files, and stays readable and diffable for an operator.
 *
 * <pre>
 * promcc-manifest 1
 * pending                      (only while a write is in progress)
 * owned &lt;sha256&gt; &lt;KIND&gt; &lt;mode&gt; &lt;path&gt;
 * claimed &lt;sha256&gt; &lt;KIND&gt; &lt;mode&gt; &lt;path&gt;
 * temp &lt;path&gt;
 * verified &lt;state hash&gt; &lt;config hash&gt; &lt;loadedAt&gt;
 * verified-file &lt;sha256&gt; &lt;KIND&gt; &lt;mode&gt; &lt;path&gt;
 * rejected &lt;config hash&gt; &lt;reason&gt; &lt;message, one line&gt;
 * </pre>
 *
 * <p>{@code owned} paths are the store's whatever their bytes (a file edited by hand is still
 * the store's to replace). {@code claimed} paths are those a write in progress is about to create
 * or delete: such a path is the store's only while the file there has exactly the recorded
 * SHA-256 (the bytes the store wrote, or is deleting), so a crash between the manifest and the
 * file never makes the store take someone else's file at that path for its own. {@code temp}
 * lines name the temporary files a write in progress creates; only those are ever cleaned up.
 *
 * <p>Immutable.
 */
record Manifest(SortedMap<String, Entry> owned, boolean pending,
    SortedMap<String, Entry> claimed, List<String> temporaryFiles,
    Optional<Verification> verification, SortedMap<String, Entry> verifiedFiles,
    Optional<RejectedConfig> rejected) {

  static final String HEADER = "promcc-manifest 1";
  static final Manifest EMPTY = new Manifest(new TreeMap<>(), false, new TreeMap<>(), List.of(),
      Optional.empty(), new TreeMap<>(), Optional.empty());
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  Manifest {
    owned = Collections.unmodifiableSortedMap(new TreeMap<>(owned));
    claimed = Collections.unmodifiableSortedMap(new TreeMap<>(claimed));
    temporaryFiles = List.copyOf(temporaryFiles);
    requireNonNull(verification, "verification == null");
    verifiedFiles = Collections.unmodifiableSortedMap(new TreeMap<>(verifiedFiles));
    requireNonNull(rejected, "rejected == null");
  }

  /** One owned file. */
  record Entry(String sha256, FileKind kind, int mode) {
    Entry {
      requireNonNull(sha256, "sha256 == null");
      requireNonNull(kind, "kind == null");
    }
  }

  /**
   * The manifest of a write in progress: during it the hashes of {@code newOwned} files may not
   * match their bytes (a crash can leave either version), the {@code newClaimed} paths are the
   * store's only if their file has the claimed hash, and {@code temps} may be left behind.
   */
  Manifest intent(Map<String, Entry> newOwned, Map<String, Entry> newClaimed,
      List<String> temps) {
    List<String> allTemps = new ArrayList<>(temporaryFiles);
    allTemps.addAll(temps);
    return new Manifest(new TreeMap<>(newOwned), true, new TreeMap<>(newClaimed), allTemps,
        verification, verifiedFiles, rejected);
  }

  /** No write in progress: exactly {@code newOwned} is owned, each with its true hash. */
  Manifest settled(Map<String, Entry> newOwned) {
    return new Manifest(new TreeMap<>(newOwned), false, new TreeMap<>(), temporaryFiles,
        verification, verifiedFiles, rejected);
  }

  /** The same without {@code temp} lines, once those files are gone. */
  Manifest withoutTemporaryFiles() {
    return new Manifest(owned, pending, claimed, List.of(), verification, verifiedFiles,
        rejected);
  }

  Manifest withVerified(Verification newVerification, Map<String, Entry> files) {
    return new Manifest(owned, pending, claimed, temporaryFiles, Optional.of(newVerification),
        new TreeMap<>(files), rejected);
  }

  Manifest withRejected(Optional<RejectedConfig> newRejected) {
    return new Manifest(owned, pending, claimed, temporaryFiles, verification, verifiedFiles,
        newRejected);
  }

  String format() {
    StringBuilder out = new StringBuilder(128 + 120 * (owned.size() + claimed.size()
        + temporaryFiles.size() + verifiedFiles.size()));
    out.append("# files written by prometheus-config-controller; it deletes or replaces only "
        + "these. Do not edit.\n");
    out.append(HEADER).append('\n');
    if (pending) {
      out.append("pending\n");
    }
    owned.forEach((path, e) -> appendEntry(out, "owned", path, e));
    claimed.forEach((path, e) -> appendEntry(out, "claimed", path, e));
    temporaryFiles.forEach(path -> out.append("temp ").append(path).append('\n'));
    verification.ifPresent(v -> out.append("verified ").append(v.stateHash()).append(' ')
        .append(v.configHash()).append(' ').append(v.loadedAt()).append('\n'));
    verifiedFiles.forEach((path, e) -> appendEntry(out, "verified-file", path, e));
    rejected.ifPresent(r -> out.append("rejected ").append(r.configHash()).append(' ')
        .append(r.reason()).append(' ').append(r.message()).append('\n'));
    return out.toString();
  }

  private static void appendEntry(StringBuilder out, String tag, String path, Entry e) {
    out.append(tag).append(' ').append(e.sha256()).append(' ').append(e.kind().name())
        .append(" 0").append(Integer.toOctalString(e.mode())).append(' ').append(path)
        .append('\n');
  }

  /**
   * Parses {@link #format()}'s output.
   *
   * @throws ConfigStoreException naming {@code source} and the line if it is not a manifest
   */
  static Manifest parse(String text, String source) {
    List<String> lines = text.lines().toList();
    SortedMap<String, Entry> owned = new TreeMap<>();
    SortedMap<String, Entry> claimed = new TreeMap<>();
    List<String> temps = new ArrayList<>();
    SortedMap<String, Entry> verifiedFiles = new TreeMap<>();
    Verification verification = null;
    RejectedConfig rejected = null;
    boolean sawHeader = false;
    boolean pending = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      try {
        if (!sawHeader) {
          if (!line.equals(HEADER)) {
            throw new IllegalArgumentException("expected \"" + HEADER + "\"");
          }
          sawHeader = true;
        } else if (line.equals("pending")) {
          pending = true;
        } else if (line.startsWith("owned ")) {
          putEntry(owned, line);
        } else if (line.startsWith("claimed ")) {
          putEntry(claimed, line);
        } else if (line.startsWith("temp ")) {
          String path = line.substring("temp ".length());
          if (path.isEmpty()) {
            throw new IllegalArgumentException("expected a path after \"temp\"");
          }
          temps.add(path);
        } else if (line.startsWith("verified-file ")) {
          putEntry(verifiedFiles, line);
        } else if (line.startsWith("rejected ")) {
          String[] f = line.split(" ", 4);
          if (f.length != 4 || f[1].isEmpty() || f[2].isEmpty()) {
            throw new IllegalArgumentException("expected <config hash> <reason> <message> after "
                + "\"rejected\"");
          }
          rejected = new RejectedConfig(f[1], f[2], f[3]);
        } else if (line.startsWith("verified ")) {
          String[] f = line.split(" ", -1);
          if (f.length != 4) {
            throw new IllegalArgumentException("expected 3 fields after \"verified\"");
          }
          verification = new Verification(f[1], f[2], Instant.parse(f[3]));
        } else {
          throw new IllegalArgumentException("unknown line");
        }
      } catch (IllegalArgumentException | DateTimeParseException e) {
        throw new ConfigStoreException("cannot read ownership manifest " + source + ": line "
            + (i + 1) + ": " + e.getMessage());
      }
    }
    if (!sawHeader) {
      throw new ConfigStoreException("cannot read ownership manifest " + source
          + ": it has no \"" + HEADER + "\" line");
    }
    return new Manifest(owned, pending, claimed, temps, Optional.ofNullable(verification),
        verifiedFiles, Optional.ofNullable(rejected));
  }

  private static void putEntry(SortedMap<String, Entry> into, String line) {
    String[] f = line.split(" ", 5);
    if (f.length != 5 || !SHA256.matcher(f[1]).matches() || !f[3].startsWith("0")) {
      throw new IllegalArgumentException("expected <tag> <sha256> <kind> <mode> <path>");
    }
    into.put(f[4], new Entry(f[1], FileKind.valueOf(f[2]), Integer.parseInt(f[3], 8)));
  }
}
