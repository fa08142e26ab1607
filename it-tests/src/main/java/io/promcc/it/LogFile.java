package io.promcc.it;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/**
 * The captured output of a process the harness started (standard output and error in one file),
 * read while the process runs. Thread-safe. The file is only appended to, so each read takes
 * only the bytes added since the last one (the complete lines are kept, and so are the counts
 * of each pattern asked for): a harness polling a log of a hundred thousand lines every 20 ms
 * does not take the machine's CPU from the processes it measures. A file that got shorter
 * (replaced) is read again from its start.
 */
public final class LogFile {
  private final Path path;
  /** The complete lines read so far, and the bytes they took. */
  private final List<String> complete = new ArrayList<>();
  private long consumed;
  /** Per pattern: lines of {@link #complete} scanned, and how many of them matched. */
  private final Map<Pattern, long[]> counts = new HashMap<>();

  /** The output captured in {@code path}. */
  public LogFile(Path path) {
    this.path = requireNonNull(path, "path == null").toAbsolutePath();
  }

  /** The file. */
  public Path path() {
    return path;
  }

  /** Every line so far (none if the file does not exist yet). */
  public synchronized List<String> lines() {
    Optional<String> partial;
    try {
      partial = readNew();
    } catch (NoSuchFileException e) {
      reset();
      return List.of();
    } catch (IOException e) {
      return List.of("(cannot read " + path + ": " + e + ")");
    }
    List<String> out = new ArrayList<>(complete.size() + 1);
    out.addAll(complete);
    partial.ifPresent(out::add);
    return out;
  }

  /**
   * Reads what was appended since the last read into {@link #complete}; returns the last line if
   * it has no line end yet (the process is writing it: it is not kept).
   */
  private Optional<String> readNew() throws IOException {
    try (SeekableByteChannel channel = Files.newByteChannel(path)) {
      long size = channel.size();
      if (size < consumed) {
        reset();
      }
      byte[] added = new byte[Math.toIntExact(size - consumed)];
      ByteBuffer buffer = ByteBuffer.wrap(added);
      channel.position(consumed);
      // up to the size taken above: what is written after it waits for the next read
      while (buffer.hasRemaining()) {
        if (channel.read(buffer) < 0) {
          break; // got shorter while read: the next read starts again
        }
      }
      int end = buffer.position();
      int lastLineEnd = end - 1;
      while (lastLineEnd >= 0 && added[lastLineEnd] != '\n') {
        lastLineEnd--;
      }
      // a line end is a whole character: the bytes before it decode alone; the process may be
      // writing a multi-byte character after it right now: replace, don't fail
      new String(added, 0, lastLineEnd + 1, StandardCharsets.UTF_8).lines()
          .forEach(complete::add);
      consumed += lastLineEnd + 1;
      return lastLineEnd + 1 < end
          ? Optional.of(new String(added, lastLineEnd + 1, end - lastLineEnd - 1,
              StandardCharsets.UTF_8))
          : Optional.empty();
    }
  }

  private void reset() {
    complete.clear();
    counts.clear();
    consumed = 0;
  }

  /** The last {@code count} lines, joined, for failure messages. */
  public String tail(int count) {
    List<String> lines = lines();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
  }

  /** How many lines match {@code pattern} (anywhere in the line). */
  public synchronized long count(Pattern pattern) {
    List<String> lines = lines();
    long[] counted = counts.computeIfAbsent(pattern, p -> new long[2]);
    for (int i = (int) counted[0]; i < complete.size(); i++) {
      counted[1] += pattern.matcher(complete.get(i)).find() ? 1 : 0;
    }
    counted[0] = complete.size();
    boolean partialMatches = lines.size() > complete.size()
        && pattern.matcher(lines.get(lines.size() - 1)).find();
    return counted[1] + (partialMatches ? 1 : 0);
  }

  /** Whether a line matches {@code pattern}. */
  public boolean contains(Pattern pattern) {
    return count(pattern) > 0;
  }

  /**
   * Waits until a complete line (one whose line end was written) matches {@code pattern} and
   * returns the first such line: a line the process is still writing may match a prefix of what
   * it will say (a URL cut short).
   */
  public String awaitCompleteLine(Pattern pattern, Duration timeout) {
    String[] found = new String[1];
    Wait.until(timeout, Wait.DEFAULT_INTERVAL, "a complete line matching /" + pattern + "/ in "
        + path, () -> (found[0] = firstComplete(pattern)) != null,
        () -> "last lines of " + path + ":\n" + tail(30));
    return found[0];
  }

  /**
   * As {@link #awaitCompleteLine(Pattern, Duration)}, for the output of {@code writer}: fails at
   * once if it has ended without printing such a line.
   *
   * @throws IllegalStateException naming its exit code and the last lines, if it ended first
   */
  public String awaitCompleteLine(Pattern pattern, Duration timeout, Process writer) {
    String what = "a complete line matching /" + pattern + "/ in " + path;
    awaitWhileRunning(what, timeout, writer, () -> firstComplete(pattern) != null);
    return firstComplete(pattern);
  }

  /** The first complete line matching {@code pattern}, or null. */
  private synchronized String firstComplete(Pattern pattern) {
    lines();
    return complete.stream().filter(line -> pattern.matcher(line).find()).findFirst()
        .orElse(null);
  }

  /** Waits until a line matches {@code pattern}. */
  public void await(Pattern pattern, Duration timeout) {
    Wait.until(timeout, Wait.DEFAULT_INTERVAL, "a line matching /" + pattern + "/ in " + path,
        () -> contains(pattern), () -> "last lines of " + path + ":\n" + tail(30));
  }

  /**
   * As {@link #await(Pattern, Duration)}, for the output of {@code writer}: fails at once if it
   * has ended without printing such a line, where a wait for a line that can no longer come would
   * last its whole {@code timeout}.
   *
   * @throws IllegalStateException naming its exit code and the last lines, if it ended first
   */
  public void await(Pattern pattern, Duration timeout, Process writer) {
    awaitWhileRunning("a line matching /" + pattern + "/ in " + path, timeout, writer,
        () -> contains(pattern));
  }

  private void awaitWhileRunning(String what, Duration timeout, Process writer,
      BooleanSupplier found) {
    requireNonNull(writer, "writer == null");
    Wait.until(timeout, Wait.DEFAULT_INTERVAL, what,
        () -> found.getAsBoolean() || !writer.isAlive(),
        () -> "last lines of " + path + ":\n" + tail(30));
    // read once more after its end: all it wrote is in the file by then
    if (!found.getAsBoolean()) {
      throw new IllegalStateException("the process " + writer.pid() + " ended with exit code "
          + writer.exitValue() + " before " + what + "; last lines:\n" + tail(30));
    }
  }
}
