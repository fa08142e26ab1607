package io.promcc.prometheus;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.FileKind;
import io.promcc.core.port.ConfigStoreException;
import io.promcc.core.port.RejectedConfig;
import io.promcc.core.port.ReloadAsked;
import io.promcc.core.port.Verification;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;

/**
 * The ownership manifest: which files the store wrote (path, SHA-256, kind, mode) and the last
 * verified set. A line format rather than JSON or YAML: it is read and written for tens of
 * thousands of files, and stays readable and diffable for an operator.
 *
 * <pre>
 * promcc-manifest 2
 * generation &lt;n&gt;               (the journal naming it applies, see {@link ManifestFiles})
 * pending                      (only while a write is in progress)
 * owned &lt;sha256&gt; &lt;KIND&gt; &lt;mode&gt; &lt;path&gt;
 * claimed &lt;sha256&gt; &lt;KIND&gt; &lt;mode&gt; &lt;path&gt;
 * temp &lt;path&gt;
 * verified &lt;state hash&gt; &lt;config hash&gt; &lt;loadedAt&gt;
 * verified-file &lt;sha256&gt; &lt;KIND&gt; &lt;mode&gt; &lt;path&gt;
 * rejected &lt;config hash&gt; &lt;reason&gt; &lt;message, one line&gt;
 * rejected-baseline &lt;config hash&gt; &lt;reason&gt; &lt;lastConfigTime&gt; &lt;message&gt;
 * reload-asked &lt;config hash&gt; &lt;lastConfigTime&gt;
 * </pre>
 *
 * <p>{@code owned} paths are the store's whatever their bytes (a file edited by hand is still
 * the store's to replace). {@code claimed} paths are those a write in progress is about to create
 * or delete: such a path is the store's only while the file there has exactly the recorded
 * SHA-256 (the bytes the store wrote, or is deleting), so a crash between the manifest and the
 * file never makes the store take someone else's file at that path for its own. {@code temp}
 * lines name the temporary files a write in progress creates; only those are ever cleaned up.
 * A rejection whose baseline is known (Prometheus' {@code lastConfigTime} once the rejected files
 * were complete) is a {@code rejected-baseline} line, one without a {@code rejected} line.
 * A {@code reload-asked} line names the reload asked for the configuration files owned now, and
 * Prometheus' {@code lastConfigTime} once they were complete; a change of an owned configuration
 * file's entry (a write, a restore) or a verification drops it.
 * A manifest of format 1 (before the journal) reads as generation 0.
 *
 * <p>Changes after the manifest file was written are {@link Change}s, each a few lines in the
 * same words plus some of their own; {@link #apply} makes the next manifest of one.
 *
 * <p>Immutable; the maps are unmodifiable and shared between a manifest and the next one where a
 * change leaves them as they are. The owned map is a {@link SortedArrayMap}: a change of a few
 * paths copies two arrays of references, not a tree of every owned file.
 */
record Manifest(long generation, SortedMap<String, Entry> owned, boolean pending,
    SortedMap<String, Entry> claimed, List<String> temporaryFiles,
    Optional<Verification> verification, SortedMap<String, Entry> verifiedFiles,
    Optional<RejectedConfig> rejected, Optional<ReloadAsked> reloadAsked) {

  static final String HEADER = "promcc-manifest 2";
  /** The header of a manifest written before the journal existed. */
  static final String HEADER_1 = "promcc-manifest 1";
  static final Manifest EMPTY = new Manifest(0, SortedArrayMap.of(), false,
      Collections.emptySortedMap(), List.of(), Optional.empty(), Collections.emptySortedMap(),
      Optional.empty(), Optional.empty());

  Manifest {
    owned = SortedArrayMap.copyOf(requireNonNull(owned, "owned == null"));
    requireNonNull(claimed, "claimed == null");
    temporaryFiles = List.copyOf(temporaryFiles);
    requireNonNull(verification, "verification == null");
    requireNonNull(verifiedFiles, "verifiedFiles == null");
    requireNonNull(rejected, "rejected == null");
    requireNonNull(reloadAsked, "reloadAsked == null");
  }

  /** One owned file. */
  record Entry(String sha256, FileKind kind, int mode) {
    Entry {
      requireNonNull(sha256, "sha256 == null");
      requireNonNull(kind, "kind == null");
    }
  }

  /**
   * One change of the manifest: its lines, as the journal stores them, and the paths whose
   * {@code owned} or {@code claimed} entry it changes. The words:
   *
   * <pre>
   * pending                           a write is in progress
   * settled                           no write in progress: pending off, no claims
   * owned &lt;entry&gt; &lt;path&gt;             the path is owned, with this entry
   * claimed &lt;entry&gt; &lt;path&gt;           the path is claimed (and no longer owned)
   * disowned &lt;path&gt;                  the path is no longer owned (its file is gone)
   * temp &lt;path&gt;                      a temporary file of a write in progress
   * temps-removed                     the temporary files named so far are gone
   * verified-owned &lt;verification&gt;    verified: the owned files now are the verified set
   * rejected &lt;rejection&gt;             a config Prometheus rejected
   * rejected-baseline &lt;rejection&gt;    the same, with its baseline
   * rejected-cleared                  no rejected config
   * reload-asked &lt;hash&gt; &lt;time&gt;      a reload asked for the config files owned now
   * </pre>
   *
   * <p>An entry is {@code <sha256> <KIND> <mode>}, a verification
   * {@code <state hash> <config hash> <loadedAt>}, a rejection
   * {@code <config hash> <reason> <message>} or, with its baseline,
   * {@code <config hash> <reason> <lastConfigTime> <message>}, as in the manifest file.
   */
  record Change(List<String> lines, Set<String> paths) {
    Change {
      lines = List.copyOf(lines);
      paths = Set.copyOf(paths);
    }

    static Builder builder() {
      return new Builder();
    }

    /** Collects a change's lines in order. */
    static final class Builder {
      private final List<String> lines = new ArrayList<>();
      private final Set<String> paths = new HashSet<>();

      Builder pending() {
        lines.add("pending");
        return this;
      }

      Builder settled() {
        lines.add("settled");
        return this;
      }

      Builder owned(String path, Entry entry) {
        lines.add(entryLine("owned", path, entry));
        paths.add(path);
        return this;
      }

      Builder claimed(String path, Entry entry) {
        lines.add(entryLine("claimed", path, entry));
        paths.add(path);
        return this;
      }

      Builder disowned(String path) {
        lines.add("disowned " + path);
        paths.add(path);
        return this;
      }

      Builder temp(String path) {
        lines.add("temp " + path);
        return this;
      }

      Builder tempsRemoved() {
        lines.add("temps-removed");
        return this;
      }

      Builder verifiedOwned(Verification v) {
        lines.add("verified-owned " + v.stateHash() + " " + v.configHash() + " "
            + v.loadedAt());
        return this;
      }

      Builder rejected(Optional<RejectedConfig> rejected) {
        lines.add(rejected.map(Manifest::rejectionLine).orElse("rejected-cleared"));
        return this;
      }

      Builder reloadAsked(ReloadAsked asked) {
        lines.add(reloadAskedLine(asked));
        return this;
      }

      Change build() {
        return new Change(lines, paths);
      }
    }
  }

  /**
   * The manifest after {@code change}.
   *
   * @throws ConfigStoreException naming {@code source} and the line if a line is not a change's
   */
  Manifest apply(Change change, String source, int firstLine) {
    ManifestLines next = new ManifestLines(this, true);
    for (int i = 0; i < change.lines().size(); i++) {
      next.read(change.lines().get(i), source, firstLine + i);
    }
    return next.build();
  }

  Manifest withGeneration(long newGeneration) {
    return new Manifest(newGeneration, owned, pending, claimed, temporaryFiles, verification,
        verifiedFiles, rejected, reloadAsked);
  }

  String format() {
    StringBuilder out = new StringBuilder(128 + 120 * (owned.size() + claimed.size()
        + temporaryFiles.size() + verifiedFiles.size()));
    out.append(head());
    owned.forEach((path, e) -> out.append(entryLine("owned", path, e)).append('\n'));
    claimed.forEach((path, e) -> out.append(entryLine("claimed", path, e)).append('\n'));
    temporaryFiles.forEach(path -> out.append("temp ").append(path).append('\n'));
    out.append(verificationLine());
    verifiedFiles.forEach((path, e) -> out.append(entryLine("verified-file", path, e))
        .append('\n'));
    out.append(rejectedLine());
    out.append(askedLine());
    return out.toString();
  }

  /**
   * The length in UTF-8 bytes of {@link #format()}, counted without building it (at 10,000
   * clusters a few milliseconds, not the tens that building it takes): a write checks the
   * manifest it would leave against the bound of its read before renaming any file.
   */
  long formattedBytes() {
    long bytes = utf8Length(head()) + entryBytes("owned", owned)
        + entryBytes("claimed", claimed) + utf8Length(verificationLine())
        + entryBytes("verified-file", verifiedFiles) + utf8Length(rejectedLine())
        + utf8Length(askedLine());
    for (String path : temporaryFiles) {
      bytes += "temp ".length() + utf8Length(path) + 1;
    }
    return bytes;
  }

  /** The comments, the header, the generation and, while a write is in progress, pending. */
  private String head() {
    return "# files written by prometheus-config-controller; it deletes or replaces only "
        + "these. Do not edit.\n"
        + "# changes since this file was written are in " + AtomicFileStore.JOURNAL
        + " while it names this generation\n"
        + HEADER + '\n'
        + "generation " + generation + '\n'
        + (pending ? "pending\n" : "");
  }

  private String verificationLine() {
    return verification.map(v -> "verified " + v.stateHash() + ' ' + v.configHash() + ' '
        + v.loadedAt() + '\n').orElse("");
  }

  private String rejectedLine() {
    return rejected.map(r -> rejectionLine(r) + '\n').orElse("");
  }

  private String askedLine() {
    return reloadAsked.map(a -> reloadAskedLine(a) + '\n').orElse("");
  }

  private static String reloadAskedLine(ReloadAsked a) {
    return "reload-asked " + a.configHash() + ' ' + a.baseline();
  }

  /** The UTF-8 bytes of {@code entries}' lines as {@link #entryLine} makes them, and ends. */
  private static long entryBytes(String tag, SortedMap<String, Entry> entries) {
    long bytes = 0;
    for (Map.Entry<String, Entry> e : entries.entrySet()) {
      Entry entry = e.getValue();
      int mode = entry.mode();
      int octalDigits = mode == 0 ? 1 : (34 - Integer.numberOfLeadingZeros(mode)) / 3;
      bytes += tag.length() + 1 + utf8Length(entry.sha256()) + 1 + entry.kind().name().length()
          + 2 + octalDigits + 1 + utf8Length(e.getKey()) + 1;
    }
    return bytes;
  }

  /** The bytes of {@code text} in UTF-8 as {@code String.getBytes} makes them. */
  private static long utf8Length(String text) {
    long bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        bytes++; // encoded as '?'
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  private static String rejectionLine(RejectedConfig r) {
    return r.baseline().map(b -> "rejected-baseline " + r.configHash() + " " + r.reason() + " "
        + b + " " + r.message()).orElse("rejected " + r.configHash() + " " + r.reason() + " "
        + r.message());
  }

  private static String entryLine(String tag, String path, Entry e) {
    return tag + ' ' + e.sha256() + ' ' + e.kind().name() + " 0"
        + Integer.toOctalString(e.mode()) + ' ' + path;
  }

  /**
   * Parses {@link #format()}'s output.
   *
   * @throws ConfigStoreException naming {@code source} and the line if it is not a manifest
   */
  static Manifest parse(String text, String source) {
    ManifestLines manifest = new ManifestLines(EMPTY, false);
    boolean sawHeader = false;
    int number = 0;
    for (String line : (Iterable<String>) text.lines()::iterator) {
      number++;
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (!sawHeader) {
        if (!line.equals(HEADER) && !line.equals(HEADER_1)) {
          throw invalid(source, number, "expected \"" + HEADER + "\"");
        }
        sawHeader = true;
      } else {
        manifest.read(line, source, number);
      }
    }
    if (!sawHeader) {
      throw new ConfigStoreException("cannot read ownership manifest " + source
          + ": it has no \"" + HEADER + "\" line");
    }
    return manifest.build();
  }

  static ConfigStoreException invalid(String source, int line, String why) {
    return new ConfigStoreException("cannot read ownership manifest " + source + ": line "
        + line + ": " + why);
  }
}
