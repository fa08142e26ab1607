package io.promcc.prometheus;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.DesiredState;
import io.promcc.core.model.FileKind;
import io.promcc.core.port.ConfigStoreException;
import io.promcc.core.port.RejectedConfig;
import io.promcc.core.port.Verification;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

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
    Optional<RejectedConfig> rejected) {

  static final String HEADER = "promcc-manifest 2";
  /** The header of a manifest written before the journal existed. */
  static final String HEADER_1 = "promcc-manifest 1";
  static final Manifest EMPTY = new Manifest(0, SortedArrayMap.of(), false,
      Collections.emptySortedMap(), List.of(), Optional.empty(), Collections.emptySortedMap(),
      Optional.empty());
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  Manifest {
    owned = SortedArrayMap.copyOf(requireNonNull(owned, "owned == null"));
    requireNonNull(claimed, "claimed == null");
    temporaryFiles = List.copyOf(temporaryFiles);
    requireNonNull(verification, "verification == null");
    requireNonNull(verifiedFiles, "verifiedFiles == null");
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
    Lines next = new Lines(this, true);
    for (int i = 0; i < change.lines().size(); i++) {
      next.read(change.lines().get(i), source, firstLine + i);
    }
    return next.build();
  }

  Manifest withGeneration(long newGeneration) {
    return new Manifest(newGeneration, owned, pending, claimed, temporaryFiles, verification,
        verifiedFiles, rejected);
  }

  String format() {
    StringBuilder out = new StringBuilder(128 + 120 * (owned.size() + claimed.size()
        + temporaryFiles.size() + verifiedFiles.size()));
    out.append("# files written by prometheus-config-controller; it deletes or replaces only "
        + "these. Do not edit.\n");
    out.append("# changes since this file was written are in ").append(AtomicFileStore.JOURNAL)
        .append(" while it names this generation\n");
    out.append(HEADER).append('\n');
    out.append("generation ").append(generation).append('\n');
    if (pending) {
      out.append("pending\n");
    }
    owned.forEach((path, e) -> out.append(entryLine("owned", path, e)).append('\n'));
    claimed.forEach((path, e) -> out.append(entryLine("claimed", path, e)).append('\n'));
    temporaryFiles.forEach(path -> out.append("temp ").append(path).append('\n'));
    verification.ifPresent(v -> out.append("verified ").append(v.stateHash()).append(' ')
        .append(v.configHash()).append(' ').append(v.loadedAt()).append('\n'));
    verifiedFiles.forEach((path, e) -> out.append(entryLine("verified-file", path, e))
        .append('\n'));
    rejected.ifPresent(r -> out.append(rejectionLine(r)).append('\n'));
    return out.toString();
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
    Lines manifest = new Lines(EMPTY, false);
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

  private static ConfigStoreException invalid(String source, int line, String why) {
    return new ConfigStoreException("cannot read ownership manifest " + source + ": line "
        + line + ": " + why);
  }

  /**
   * A manifest built line by line: from a manifest file's lines, or from a change's onto a
   * manifest. A map of the manifest it starts from is copied only when a line changes it.
   */
  private static final class Lines {
    private final boolean change;
    private long generation;
    private SortedArrayMap<Entry> owned;
    /** The changes of {@link #owned} the lines made since it was last frozen; null if none. */
    private SortedArrayMap.Edit<Entry> ownedChanges;
    private boolean pending;
    private SortedMap<String, Entry> claimed;
    private boolean claimedCopied;
    private final List<String> temps;
    private Verification verification;
    private SortedMap<String, Entry> verifiedFiles;
    private boolean verifiedFilesCopied;
    private RejectedConfig rejected;

    Lines(Manifest from, boolean change) {
      this.change = change;
      generation = from.generation;
      owned = SortedArrayMap.copyOf(from.owned);
      pending = from.pending;
      claimed = from.claimed;
      temps = new ArrayList<>(from.temporaryFiles);
      verification = from.verification.orElse(null);
      verifiedFiles = from.verifiedFiles;
      rejected = from.rejected.orElse(null);
    }

    void read(String line, String source, int number) {
      int space = line.indexOf(' ');
      String word = space < 0 ? line : line.substring(0, space);
      String rest = space < 0 ? "" : line.substring(space + 1);
      try {
        boolean known = readCommon(word, rest)
            || (change ? readChangeOnly(word, rest) : readManifestOnly(word, rest));
        if (!known) {
          throw new IllegalArgumentException("unknown line");
        }
      } catch (IllegalArgumentException | DateTimeParseException e) {
        throw invalid(source, number, e.getMessage());
      }
    }

    private boolean readCommon(String word, String rest) {
      switch (word) {
        case "pending" -> pending = true;
        case "owned" -> putEntry(owned()::put, rest);
        case "claimed" -> owned().remove(putEntry(claimed()::put, rest));
        case "temp" -> {
          if (rest.isEmpty()) {
            throw new IllegalArgumentException("expected a path after \"temp\"");
          }
          temps.add(rest);
        }
        case "rejected" -> {
          String[] f = rest.split(" ", 3);
          if (f.length != 3 || f[0].isEmpty() || f[1].isEmpty()) {
            throw new IllegalArgumentException("expected <config hash> <reason> <message> after "
                + "\"rejected\"");
          }
          rejected = new RejectedConfig(f[0], f[1], f[2]);
        }
        case "rejected-baseline" -> {
          String[] f = rest.split(" ", 4);
          if (f.length != 4 || f[0].isEmpty() || f[1].isEmpty()) {
            throw new IllegalArgumentException("expected <config hash> <reason> "
                + "<lastConfigTime> <message> after \"rejected-baseline\"");
          }
          rejected = new RejectedConfig(f[0], f[1], f[3], Optional.of(Instant.parse(f[2])));
        }
        default -> {
          return false;
        }
      }
      return true;
    }

    private boolean readManifestOnly(String word, String rest) {
      switch (word) {
        case "generation" -> generation = Long.parseLong(rest);
        case "verified" -> verification = verification(rest, "verified");
        case "verified-file" -> {
          if (!verifiedFilesCopied) {
            verifiedFiles = new TreeMap<>(verifiedFiles);
            verifiedFilesCopied = true;
          }
          putEntry(verifiedFiles::put, rest);
        }
        default -> {
          return false;
        }
      }
      return true;
    }

    private boolean readChangeOnly(String word, String rest) {
      switch (word) {
        case "settled" -> {
          pending = false;
          claimed = Collections.emptySortedMap();
          claimedCopied = false;
        }
        case "disowned" -> owned().remove(rest);
        case "temps-removed" -> temps.clear();
        case "verified-owned" -> {
          verification = verification(rest, "verified-owned");
          verifiedFiles = frozenOwned();
          verifiedFilesCopied = false;
        }
        case "rejected-cleared" -> rejected = null;
        default -> {
          return false;
        }
      }
      return true;
    }

    private SortedArrayMap.Edit<Entry> owned() {
      if (ownedChanges == null) {
        ownedChanges = owned.edit();
      }
      return ownedChanges;
    }

    private SortedMap<String, Entry> claimed() {
      if (!claimedCopied) {
        claimed = new TreeMap<>(claimed);
        claimedCopied = true;
      }
      return claimed;
    }

    /** The owned map as it is now; a later line changing it starts a new edit of it. */
    private SortedArrayMap<Entry> frozenOwned() {
      if (ownedChanges != null) {
        owned = ownedChanges.build();
        ownedChanges = null;
      }
      return owned;
    }

    private static Verification verification(String rest, String word) {
      String[] f = rest.split(" ", -1);
      if (f.length != 3) {
        throw new IllegalArgumentException("expected 3 fields after \"" + word + "\"");
      }
      return new Verification(f[0], f[1], Instant.parse(f[2]));
    }

    /** Puts the entry {@code <sha256> <KIND> <mode> <path>} and returns its path. */
    private static String putEntry(BiConsumer<String, Entry> into, String rest) {
      String[] f = rest.split(" ", 4);
      if (f.length != 4 || !SHA256.matcher(f[0]).matches() || !f[2].startsWith("0")) {
        throw new IllegalArgumentException("expected <tag> <sha256> <kind> <mode> <path>");
      }
      // the planner's instance of the path: compared with planned paths by identity
      String path = DesiredState.sharedPath(f[3]);
      into.accept(path, new Entry(f[0], FileKind.valueOf(f[1]), Integer.parseInt(f[2], 8)));
      return path;
    }

    Manifest build() {
      SortedMap<String, Entry> finalOwned = frozenOwned();
      return new Manifest(generation, finalOwned, pending,
          claimedCopied ? Collections.unmodifiableSortedMap(claimed) : claimed, temps,
          Optional.ofNullable(verification),
          verifiedFilesCopied ? Collections.unmodifiableSortedMap(verifiedFiles) : verifiedFiles,
          Optional.ofNullable(rejected));
    }
  }
}
