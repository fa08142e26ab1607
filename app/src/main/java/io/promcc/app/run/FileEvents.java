package io.promcc.app.run;

/**
 * Whether the graph's file watcher registers folders for the platform's file events: {@code
 * promcc run}'s does, to see a change at once; {@code promcc check}'s does not, as it reads
 * each file once and no change is awaited (a registration on a volume that hangs would hold
 * each watch of its start up to 10 s for nothing).
 */
public enum FileEvents {
  /** Folders registered for file events, and every path checked every 2 s too. */
  USED,
  /** Every path checked every 2 s only. */
  NOT_USED
}
