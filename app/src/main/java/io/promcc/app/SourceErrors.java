package io.promcc.app;

/**
 * Where the controller's own sources (a clusters file, a certificate folder, the local CA) report
 * a failure that they otherwise absorb, such as an edit that does not parse while the last good
 * content is kept. The app turns each into a log line and {@code promcc_source_errors_total}.
 * Implementations are thread-safe, quick, and never throw.
 */
@FunctionalInterface
public interface SourceErrors {
  /** Drops every report. */
  SourceErrors NONE = (source, message) -> {};

  /**
   * @param source short name used as the metric label, e.g. {@code clusters-file}
   * @param message what failed, one line, naming the file; never a secret
   */
  void failed(String source, String message);

  /**
   * Says that {@code source} runs, before any failure, so that its count exists (at 0) from the
   * start. Called once by each source when it is made; does nothing unless implemented.
   */
  default void declared(String source) {}
}
