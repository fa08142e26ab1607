package io.promcc.it;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The captured output of a process the harness started (standard output and error in one file),
 * read while the process runs. Thread-safe (reads the file each time).
 */
public final class LogFile {
  private final Path path;

  /** The output captured in {@code path}. */
  public LogFile(Path path) {
    this.path = requireNonNull(path, "path == null").toAbsolutePath();
  }

  /** The file. */
  public Path path() {
    return path;
  }

  /** Every line so far (none if the file does not exist yet). */
  public List<String> lines() {
    try {
      // the process may be writing a multi-byte character right now: replace, don't fail
      return new String(Files.readAllBytes(path), StandardCharsets.UTF_8).lines().toList();
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      return List.of("(cannot read " + path + ": " + e + ")");
    }
  }

  /** The last {@code count} lines, joined, for failure messages. */
  public String tail(int count) {
    List<String> lines = lines();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
  }

  /** How many lines match {@code pattern} (anywhere in the line). */
  public long count(Pattern pattern) {
    return lines().stream().filter(line -> pattern.matcher(line).find()).count();
  }

  /** Whether a line matches {@code pattern}. */
  public boolean contains(Pattern pattern) {
    return count(pattern) > 0;
  }

  /** Waits until a line matches {@code pattern}. */
  public void await(Pattern pattern, Duration timeout) {
    Wait.until(timeout, Wait.DEFAULT_INTERVAL, "a line matching /" + pattern + "/ in " + path,
        () -> contains(pattern), () -> "last lines of " + path + ":\n" + tail(30));
  }
}
