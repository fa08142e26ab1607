package io.promcc.app.local;

import io.promcc.app.SourceErrors;
import io.promcc.core.model.FileFailures;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.InvalidValueException;
import io.promcc.core.model.ValidationException;
import io.promcc.core.port.ClusterSnapshot;
import io.promcc.core.yaml.ClusterList;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * What the reads of a {@link ClusterFileSource}'s file have said: the last good list, what keeps
 * the source from being ready, and the reporting of problems to {@link SourceErrors}, once per
 * distinct content. Applies the rules of the source's class comment to each read. Not
 * thread-safe: the source's lock guards every call.
 */
final class ClusterFileState {
  // the ClusterFileSource's logger: these lines are the clusters file's
  private static final System.Logger LOG = System.getLogger(ClusterFileSource.class.getName());

  private final Path file;
  private final SourceErrors errors;
  private final String quoted;
  private ClusterSnapshot good; // null until the first good read
  private String notReady = "not started";
  private String lastContent; // hash of the last content handled, null if none was read
  private String lastReported;

  /** For {@code file}, named in messages as {@code quoted}. */
  ClusterFileState(Path file, SourceErrors errors, String quoted) {
    this.file = file;
    this.errors = errors;
    this.quoted = quoted;
  }

  /** The last good list; null until the first good read. */
  ClusterSnapshot good() {
    return good;
  }

  /** What keeps the source from being ready; null while it is ready. */
  String notReady() {
    return notReady;
  }

  /** Has the source not ready for {@code why} (before a read says otherwise). */
  void notReady(String why) {
    notReady = why;
  }

  /** Applies the rules of the source's class comment to {@code attempt}. */
  void read(SettledRead.Read attempt) {
    byte[] bytes = attempt.bytes();
    if (attempt.failure() instanceof NoSuchFileException) {
      lastContent = null;
      String problem = quoted + " does not exist";
      if (good == null) {
        notReady = problem;
        report("missing", problem);
      } else {
        notReady = null;
        report("missing", problem + "; " + keepingLastGood());
      }
      return;
    } else if (attempt.failure() instanceof RegularFiles.UnfitFileException e) {
      // gigabytes are no list: a bad edit, like a malformed one (the last good list stays)
      lastContent = null;
      rejected("unfit " + e.getMessage(),
          new ValidationException(quoted, List.of(e.problem())).getMessage(),
          List.of(e.problem()));
      return;
    } else if (attempt.failure() instanceof RegularFiles.NotRegularFileException e) {
      // a FIFO or a folder in its place: named once, as the local CA's own files are
      lastContent = null;
      notReady = "cannot read " + quoted + ": " + e.problem();
      report("unreadable " + e, notReady);
      return;
    } else if (attempt.failure() != null) {
      Exception e = attempt.failure();
      lastContent = null;
      notReady = "cannot read " + quoted + (e instanceof IOException failed
          ? " (" + FileFailures.reason(failed) + ")" : ": " + e);
      report("unreadable " + e, notReady);
      return;
    }
    String content = sha256(bytes);
    if (content.equals(lastContent)) {
      notReady = good == null ? notReady : null; // readable again, same bytes: same outcome
      return;
    }
    lastContent = content;
    List<GuestCluster> clusters;
    try {
      clusters = ClusterList.parse(SettledRead.decode(file, bytes), file.toString());
    } catch (ValidationException e) {
      rejected(content, e.getMessage(), e.problems());
      return;
    } catch (InvalidValueException e) {
      rejected(content, quoted + " is invalid: " + e.getMessage(), List.of(e.getMessage()));
      return;
    }
    ClusterSnapshot next = new ClusterSnapshot(clusters, List.of());
    if (good == null || !good.equals(next)) {
      good = next;
    }
    notReady = null;
    lastReported = null;
  }

  /** Content that does not parse: not ready before the first good read, else kept. */
  private void rejected(String content, String message, List<String> problems) {
    String oneLine = quoted + " is invalid: " + String.join("; ", problems);
    if (good == null) {
      notReady = message;
      report(content, oneLine);
    } else {
      notReady = null;
      report(content, oneLine + "; " + keepingLastGood());
    }
  }

  private String keepingLastGood() {
    int count = good.clusters().size();
    return "keeping the last good list of " + count + (count == 1 ? " cluster" : " clusters");
  }

  /** Reports {@code message} unless the last report was about the same {@code content}. */
  private void report(String content, String message) {
    if (content.equals(lastReported)) {
      return;
    }
    lastReported = content;
    try {
      errors.failed(ClusterFileSource.SOURCE, message.replace('\n', ' '));
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "reporting a clusters file problem failed", e);
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
