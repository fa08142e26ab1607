package io.promcc.core.plan;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The block-sequence items at column 0 of a text given in pieces (a line may span two) whose
 * first line is {@code - job_name: } and a name that holds {@code -}, an asked cluster's ID and
 * {@code -} (a job name is {@code <prefix>-<id>-<job>}, under whatever prefix it was written
 * with): each such item, its continuation lines (those indented) included, is handed over as
 * text. Other lines are only looked at, not copied: for {@link KeptJobs}, in a config that
 * holds every cluster's jobs. Not thread-safe: one scan.
 */
final class JobItemScanner {
  private static final int START = 0;
  private static final int COPY = 1;
  private static final int SKIP = 2;

  private final byte[] opening;
  /** The asked IDs' bytes, sorted, for a binary search over a range of a line. */
  private final byte[][] asked;
  private final Consumer<String> items;
  /** The line being read, while it may open an item or continues one being collected. */
  private byte[] line = new byte[256];
  private int length;
  /** The item being collected, or null. */
  private ByteArrayOutputStream item;
  /** Where the line is: at its start, copied into {@code line}, or skipped to its end. */
  private int state = START;

  JobItemScanner(String opening, Set<String> asked, Consumer<String> items) {
    this.opening = opening.getBytes(StandardCharsets.UTF_8);
    this.asked = asked.stream().map(id -> id.getBytes(StandardCharsets.UTF_8))
        .sorted(Arrays::compare).toArray(byte[][]::new);
    this.items = items;
  }

  void scan(ByteBuffer piece) {
    while (piece.hasRemaining()) {
      byte b = piece.get();
      if (state == START) {
        boolean continuation = b == ' ';
        if (!continuation) {
          endItem();
        }
        state = b == '-' || continuation && item != null ? COPY : SKIP;
      }
      if (state == COPY) {
        if (length == line.length) {
          line = Arrays.copyOf(line, length * 2);
        }
        line[length++] = b;
      }
      if (b == '\n') {
        endLine();
      }
    }
  }

  /** After the last piece: a last line without a line break ends too. */
  void end() {
    endLine();
    endItem();
  }

  private void endLine() {
    if (state == COPY) {
      if (item != null) {
        item.write(line, 0, length);
      } else if (opens()) {
        item = new ByteArrayOutputStream();
        item.write(line, 0, length);
      }
    }
    length = 0;
    state = START;
  }

  private void endItem() {
    if (item != null) {
      items.accept(item.toString(StandardCharsets.UTF_8));
      item = null;
    }
  }

  /** Whether the line read opens an item of an asked cluster. */
  private boolean opens() {
    if (length < opening.length || !Arrays.equals(line, 0, opening.length, opening, 0,
        opening.length)) {
      return false;
    }
    // the job name, plain or in double quotes, holds an asked ID between two dashes: whatever
    // prefix it was written with, a job name is <prefix>-<id>-<job>
    for (int dash = opening.length; dash < length && line[dash] != '\n'; dash++) {
      if (line[dash] != '-') {
        continue;
      }
      for (int end = dash + 2; end < length && line[end] != '\n'; end++) {
        if (line[end] == '-' && isAsked(line, dash + 1, end)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether {@code bytes} from {@code from} to {@code to} are an asked ID; no copy made. */
  private boolean isAsked(byte[] bytes, int from, int to) {
    int low = 0;
    int high = asked.length - 1;
    while (low <= high) {
      int middle = (low + high) >>> 1;
      int order = Arrays.compare(asked[middle], 0, asked[middle].length, bytes, from, to);
      if (order == 0) {
        return true;
      } else if (order < 0) {
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return false;
  }
}
