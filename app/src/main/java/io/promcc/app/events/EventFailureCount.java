package io.promcc.app.events;

import java.util.Locale;

/**
 * Where {@link ServiceEvents} reports each attempt at an Event the API server did not take; the
 * app counts them in {@code promcc_events_failed_total}, so that Events refused for good (RBAC
 * without {@code create events}) are seen on a dashboard, not only once in ten minutes in the
 * log. Implementations are thread-safe, quick, and never throw.
 */
@FunctionalInterface
public interface EventFailureCount {
  /** Drops every report. */
  EventFailureCount NONE = kind -> {};

  /** How the API server did not take an Event: the {@code kind} label. */
  enum Kind {
    /** Refused for good (403, 404, 400, 422, ...): tried again after minutes. */
    REFUSED,
    /** Failed for now (5xx, 429, 408, 401, no answer): tried again after a backoff. */
    FAILED;

    /** Lower-case label, e.g. {@code refused}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** One attempt at publishing an Event failed so. */
  void failed(Kind kind);
}
