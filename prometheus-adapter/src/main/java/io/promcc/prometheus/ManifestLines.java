package io.promcc.prometheus;

import io.promcc.core.model.DesiredState;
import io.promcc.core.model.FileKind;
import io.promcc.core.port.RejectedConfig;
import io.promcc.core.port.ReloadAsked;
import io.promcc.core.port.Verification;
import io.promcc.prometheus.Manifest.Entry;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * A manifest built line by line: from a manifest file's lines, or from a change's onto a
 * manifest. A map of the manifest it starts from is copied only when a line changes it.
 */
final class ManifestLines {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

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
  private ReloadAsked reloadAsked;

  ManifestLines(Manifest from, boolean change) {
    this.change = change;
    generation = from.generation();
    owned = SortedArrayMap.copyOf(from.owned());
    pending = from.pending();
    claimed = from.claimed();
    temps = new ArrayList<>(from.temporaryFiles());
    verification = from.verification().orElse(null);
    verifiedFiles = from.verifiedFiles();
    rejected = from.rejected().orElse(null);
    reloadAsked = from.reloadAsked().orElse(null);
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
      throw Manifest.invalid(source, number, e.getMessage());
    }
  }

  private boolean readCommon(String word, String rest) {
    switch (word) {
      case "pending" -> pending = true;
      case "owned" -> dropAskIfConfig(owned().get(putEntry(owned()::put, rest)));
      case "claimed" -> {
        String path = putEntry(claimed()::put, rest);
        owned().remove(path);
        dropAskIfConfig(claimed().get(path));
      }
      case "reload-asked" -> {
        String[] f = rest.split(" ", -1);
        if (f.length != 2 || f[0].isEmpty()) {
          throw new IllegalArgumentException("expected <config hash> <lastConfigTime> after "
              + "\"reload-asked\"");
        }
        reloadAsked = new ReloadAsked(f[0], Instant.parse(f[1]));
      }
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
      case "disowned" -> {
        dropAskIfConfig(owned().get(rest));
        owned().remove(rest);
      }
      case "temps-removed" -> temps.clear();
      case "verified-owned" -> {
        verification = verification(rest, "verified-owned");
        reloadAsked = null;
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

  /**
   * In a change, a line that changes the entry of an owned configuration file (written,
   * claimed by a write or a restore, deleted) drops the reload asked: it was for other files.
   * A manifest file names the ask after its owned files, and keeps it.
   */
  private void dropAskIfConfig(Entry changed) {
    if (change && changed != null && changed.kind().isConfig()) {
      reloadAsked = null;
    }
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
        Optional.ofNullable(rejected), Optional.ofNullable(reloadAsked));
  }
}
