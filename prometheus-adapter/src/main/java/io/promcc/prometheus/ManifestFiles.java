package io.promcc.prometheus;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.Quoting;
import io.promcc.core.model.SizeBound;
import io.promcc.core.port.ConfigStoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * The ownership {@link Manifest} on disk: the manifest file {@value AtomicFileStore#MANIFEST},
 * written whole, and its journal {@value AtomicFileStore#JOURNAL}, to which each change is
 * appended, so that a change of one cluster's files writes a few hundred bytes instead of the
 * whole manifest (megabytes at 10,000 clusters).
 *
 * <p>The journal starts with {@code promcc-manifest-journal 1 <generation>}; then come records,
 * each the lines of one {@link Manifest.Change} and a line {@code end <crc32>} (the CRC-32, in
 * hex, of the record's lines before it), appended and fsynced one at a time. The manifest is the
 * manifest file with the journal's records applied in order, if the journal names the manifest
 * file's {@code generation}; a journal naming another generation is left over from a crash and
 * is ignored. A last record without a valid {@code end} line (a crash in the middle of an
 * append) is ignored as if never written; the store then writes the next change into a new
 * manifest file. A journal is only ever created whole (header and first record, by a temporary
 * file renamed into place), so a journal whose header cannot be read, or an invalid record with
 * more after it, is damage: it fails the read, as a damaged manifest does.
 *
 * <p>When a change would make the journal larger than the manifest file, the manifest with the
 * change is written to a new manifest file instead, with the next generation (temporary file,
 * fsync, rename, folder fsync), and the journal is deleted. A crash between the rename and the
 * deletion leaves a journal naming the old generation: ignored, and replaced by the next one.
 * A manifest file alone (no journal) needs no generation check; a format-1 manifest is
 * generation 0.
 *
 * <p>Both files are read again only when the status of either changed (inode, size,
 * modification time), each at most {@link #MAX_BYTES}: a larger one fails the read, named with
 * its size, and nothing is written until it is gone. A manifest file that would be larger is
 * never written: the change fails, named with its size, and the files on disk stay.
 * Not thread-safe: the store's one caller thread uses it.
 */
final class ManifestFiles {
  /** The journal's temporary file, while a new journal is created. */
  static final String JOURNAL_TEMP = ".promcc-manifest.journal.tmp";
  static final String JOURNAL_HEADER = "promcc-manifest-journal 1";
  /**
   * The most read of the manifest file or of the journal (the journal never grows beyond the
   * manifest file): at 10,000 clusters the manifest is 11 MB, so this leaves room for twenty
   * times as many.
   */
  static final int MAX_BYTES = 256 << 20;

  /** What the journal file is to the manifest file. */
  private enum Journal {
    /** No journal file. */
    NONE,
    /** It names another generation (a crash after a new manifest file): ignored. */
    STALE,
    /** It names the manifest's generation and ends after its last valid record. */
    OPEN,
    /** Its last record is incomplete or invalid: not appended to; the next change compacts. */
    TORN
  }

  /** What identifies one version of a file: its status. */
  private record Stamp(Object inode, long size, FileTime modified) {}

  private final Path root;
  private final Path manifestFile;
  private final Path manifestTemp;
  private final Path journalFile;
  private final Path journalTemp;
  private final AtomicFiles files;
  /** {@link #MAX_BYTES}, or a test's smaller bound. */
  private final int maxBytes;
  /** The manifest as last read or written, and the files' status then. */
  private Manifest manifest = Manifest.EMPTY;
  private boolean known;
  private Stamp manifestStamp;
  private Stamp journalStamp;
  private Journal journal = Journal.NONE;
  /** Bytes of the open journal (all its records valid), and of the manifest file. */
  private long journalBytes;
  private long manifestBytes;
  /** The highest generation a journal was seen naming: a new manifest file goes beyond it. */
  private long journalGeneration;

  ManifestFiles(Path root, AtomicFiles files) {
    this(root, files, MAX_BYTES);
  }

  /** As above, reading and writing files of at most {@code maxBytes} (a test's small bound). */
  ManifestFiles(Path root, AtomicFiles files, int maxBytes) {
    this.maxBytes = maxBytes;
    this.root = requireNonNull(root, "root == null");
    this.files = requireNonNull(files, "files == null");
    this.manifestFile = root.resolve(AtomicFileStore.MANIFEST);
    this.manifestTemp = root.resolve(AtomicFileStore.MANIFEST_TEMP);
    this.journalFile = root.resolve(AtomicFileStore.JOURNAL);
    this.journalTemp = root.resolve(JOURNAL_TEMP);
  }

  /**
   * The manifest: the one in memory while neither file's status changed (the store's own last
   * change, or its last read), else both read and the journal replayed. {@link Manifest#EMPTY}
   * if there is no manifest file.
   */
  Manifest read() {
    Stamp manifestNow = stamp(manifestFile);
    Stamp journalNow = stamp(journalFile);
    if (known && Objects.equals(manifestNow, manifestStamp)
        && Objects.equals(journalNow, journalStamp)) {
      return manifest;
    }
    known = false;
    Manifest read = Manifest.EMPTY;
    try {
      if (manifestNow != null) {
        read = Manifest.parse(text(bounded(manifestFile, "ownership manifest")),
            Quoting.quote(manifestFile.toString()));
      }
      journal = Journal.NONE;
      journalBytes = 0;
      if (journalNow != null) {
        read = replay(read, manifestNow != null,
            bounded(journalFile, "ownership manifest journal"));
      }
    } catch (NoSuchFileException raced) {
      return read(); // replaced between its status and its bytes: read the new one
    } catch (IOException e) {
      throw AtomicFiles.failure("cannot read ownership manifest", manifestFile, e);
    }
    manifest = read;
    manifestStamp = manifestNow;
    manifestBytes = manifestNow == null ? 0 : manifestNow.size();
    journalStamp = journalNow;
    known = true;
    return read;
  }

  /**
   * Records {@code change} of the manifest last {@link #read} or committed: appended to the
   * journal, or, if the journal would grow beyond the manifest file (or cannot take it), written
   * into a new manifest file. Returns the manifest after it.
   */
  Manifest commit(Manifest.Change change) {
    Manifest next = manifest.apply(change, "(change)", 1);
    // left by a crash while one of the files was written
    files.deleteTemporary(manifestTemp);
    files.deleteTemporary(journalTemp);
    byte[] record = record(change.lines());
    boolean fresh = journal == Journal.NONE || journal == Journal.STALE;
    byte[] header = fresh ? header(next.generation()) : new byte[0];
    if (manifestStamp == null || journal == Journal.TORN
        || journalBytes + header.length + record.length > manifestBytes
        // replaced since it was read: not appended to (stamp fails on a FIFO, never opened)
        || !fresh && !Objects.equals(stamp(journalFile), journalStamp)) {
      return compact(next);
    }
    known = false; // until the change is done: a failure half-way reads the files again
    if (fresh) {
      byte[] bytes = concat(header, record);
      files.replaceAtomically(journalFile, journalTemp, bytes, 0640, true);
      journal = Journal.OPEN;
      journalBytes = bytes.length;
      journalGeneration = Math.max(journalGeneration, next.generation());
    } else {
      files.append(journalFile, journalBytes, record);
      journalBytes += record.length;
    }
    journalStamp = stamp(journalFile);
    manifest = next;
    known = true;
    return next;
  }

  /**
   * Refuses, changing nothing, a write, rollback or verification whose {@code changes} of the
   * manifest last read or committed, recorded one after the other, would leave a manifest whose
   * file, when folded, is over the bound the read keeps. A write or rollback checks this before
   * it renames any file: refused only when folded, after the renames, its files stayed claimed
   * by a write in progress that no later write could settle; a verification, before it records
   * the verified set, which the journal takes in one line but every later fold writes whole.
   * Counted with the generation the last of as many folds would give it.
   *
   * @param refused the message's start, e.g. {@code "cannot write the files: with them"}
   * @throws ConfigStoreException naming the manifest, the bound and the size
   */
  void requireFits(String refused, Manifest.Change... changes) {
    // Cheap first: each owned, claimed, temporary or rejected entry of the manifest read back
    // comes from a line of the manifest file or the journal as long as its own, and the
    // verified set repeats the owned files, each line 8 bytes longer: the manifest is at most
    // about twice its two files with the changes. Counted exactly only near the bound.
    long changeBytes = 0;
    for (Manifest.Change change : changes) {
      for (String line : change.lines()) {
        changeBytes += 3L * line.length() + 1;
      }
    }
    if (3 * (manifestBytes + journalBytes + changeBytes) + 4096 <= maxBytes) {
      return;
    }
    Manifest next = manifest;
    for (Manifest.Change change : changes) {
      next = next.apply(change, "(change)", 1);
    }
    long size = next.withGeneration(Math.max(next.generation(), journalGeneration)
        + changes.length).formattedBytes();
    if (size > maxBytes) {
      throw new ConfigStoreException(refused + " the ownership manifest "
          + Quoting.quote(manifestFile.toString()) + " " + SizeBound.tooLarge(maxBytes, size)
          + ", the most the store reads back; nothing was changed");
    }
  }

  /**
   * Writes {@code next} into a new manifest file of the next generation; the journal goes.
   *
   * @throws ConfigStoreException, writing nothing, if the file would be over the bound its read
   *     keeps: after a restart the store would refuse it, and with it every file it owns
   */
  private Manifest compact(Manifest next) {
    Manifest written = next.withGeneration(
        Math.max(next.generation(), journalGeneration) + 1);
    byte[] bytes = written.format().getBytes(StandardCharsets.UTF_8);
    if (bytes.length > maxBytes) {
      throw new ConfigStoreException("cannot write ownership manifest "
          + Quoting.quote(manifestFile.toString()) + ": it "
          + SizeBound.tooLarge(maxBytes, bytes.length)
          + ", the most the store reads back; the manifest on disk is kept");
    }
    known = false;
    files.ensureDirectory(root);
    files.replaceAtomically(manifestFile, manifestTemp, bytes, 0640, true);
    // it names the previous generation now: ignored from here on, even if a crash keeps it
    if (journal != Journal.NONE || stamp(journalFile) != null) {
      files.delete(journalFile);
    }
    journal = Journal.NONE;
    journalBytes = 0;
    journalStamp = null;
    manifestStamp = stamp(manifestFile);
    manifestBytes = bytes.length;
    manifest = written;
    known = true;
    return written;
  }

  /**
   * {@code base} with the journal's valid records applied, if the journal names its generation;
   * notes what the journal is.
   */
  private Manifest replay(Manifest base, boolean manifestExists, byte[] bytes) {
    String source = Quoting.quote(journalFile.toString());
    int end = lineEnd(bytes, 0);
    String[] header = end < 0 ? new String[0] : line(bytes, 0, end).split(" ");
    if (header.length != 3 || !(header[0] + " " + header[1]).equals(JOURNAL_HEADER)
        || !header[2].matches("[0-9]{1,18}")) {
      throw new ConfigStoreException("cannot read ownership manifest journal " + source
          + ": line 1: expected \"" + JOURNAL_HEADER + " <generation>\"");
    }
    long generation = Long.parseLong(header[2]);
    journalGeneration = Math.max(journalGeneration, generation);
    if (!manifestExists || generation != base.generation()) {
      journal = Journal.STALE;
      return base;
    }
    Manifest out = base;
    int recordStart = end + 1;
    int recordLine = 2;
    int lineNumber = 1;
    List<String> lines = new ArrayList<>();
    int valid = recordStart;
    for (int at = recordStart; (end = lineEnd(bytes, at)) >= 0; at = end + 1) {
      lineNumber++;
      String line = line(bytes, at, end);
      if (!line.startsWith("end ")) {
        lines.add(line);
        continue;
      }
      if (!line.equals("end " + crc32(bytes, recordStart, at))) {
        if (end + 1 < bytes.length) {
          throw new ConfigStoreException("cannot read ownership manifest journal " + source
              + ": line " + lineNumber + ": the record's checksum does not match, and more "
              + "follows");
        }
        break; // a torn last record
      }
      out = out.apply(new Manifest.Change(lines, Set.of()), source, recordLine);
      lines.clear();
      valid = end + 1;
      recordStart = valid;
      recordLine = lineNumber + 1;
    }
    journal = valid == bytes.length ? Journal.OPEN : Journal.TORN;
    journalBytes = valid;
    return out;
  }

  /**
   * The bytes of {@code file}, at most {@link #MAX_BYTES}: a larger one (put there by someone
   * else; the store's are megabytes) fails the read, naming it, and nothing is written over it.
   */
  private byte[] bounded(Path file, String what) throws IOException {
    try {
      return BoundedRead.read(file, maxBytes);
    } catch (BoundedRead.TooLarge e) {
      throw new ConfigStoreException("cannot read " + what + " " + Quoting.quote(file.toString())
          + ": " + e.getMessage());
    }
  }

  /** {@code bytes} as UTF-8, refused (as {@link Files#readString} does) if they are not. */
  private static String text(byte[] bytes) throws CharacterCodingException {
    return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
  }

  private static byte[] header(long generation) {
    return (JOURNAL_HEADER + " " + generation + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /** A record: the lines, then {@code end <crc32 of the lines' bytes>}. */
  private static byte[] record(List<String> lines) {
    StringBuilder text = new StringBuilder();
    lines.forEach(line -> text.append(line).append('\n'));
    byte[] body = text.toString().getBytes(StandardCharsets.UTF_8);
    return concat(body, ("end " + crc32(body, 0, body.length) + "\n")
        .getBytes(StandardCharsets.UTF_8));
  }

  private static String crc32(byte[] bytes, int from, int to) {
    CRC32 crc = new CRC32();
    crc.update(bytes, from, to - from);
    return String.format("%08x", crc.getValue());
  }

  private static int lineEnd(byte[] bytes, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static String line(byte[] bytes, int from, int to) {
    return new String(bytes, from, to - from, StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /**
   * The file's status, or null if nothing is there. Anything but a regular file (a folder, a
   * FIFO, a socket, a device, a symbolic link) fails the read without being opened: reading a
   * FIFO would wait for a writer that never comes, and a link names a file that is not the
   * store's.
   */
  private static Stamp stamp(Path file) {
    try {
      BasicFileAttributes status = Files.readAttributes(file, BasicFileAttributes.class,
          LinkOption.NOFOLLOW_LINKS);
      if (!status.isRegularFile()) {
        throw new ConfigStoreException("cannot read ownership manifest "
            + Quoting.quote(file.toString()) + ": not a regular file ("
            + (status.isDirectory() ? "a folder" : status.isSymbolicLink() ? "a symbolic link"
            : "a FIFO, socket or device") + ")");
      }
      return new Stamp(status.fileKey(), status.size(), status.lastModifiedTime());
    } catch (NoSuchFileException none) {
      return null;
    } catch (IOException e) {
      throw AtomicFiles.failure("cannot read ownership manifest", file, e);
    }
  }
}
