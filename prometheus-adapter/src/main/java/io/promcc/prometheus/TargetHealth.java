package io.promcc.prometheus;

/**
 * How many of Prometheus' active targets of one group (e.g. one guest cluster) are up, down, or
 * not scraped yet, as {@code /api/v1/targets} reports them.
 *
 * @param up targets whose last scrape succeeded
 * @param down targets whose last scrape failed
 * @param unknown targets not scraped yet
 */
public record TargetHealth(int up, int down, int unknown) {
  /** No target at all: discovery found nothing (or the group is not loaded). */
  public static final TargetHealth NONE = new TargetHealth(0, 0, 0);

  /** Checks that no count is negative. */
  public TargetHealth {
    if (up < 0 || down < 0 || unknown < 0) {
      throw new IllegalArgumentException("target counts must not be negative, found " + up
          + ", " + down + ", " + unknown);
    }
  }

  /** This plus one target of {@code health} ({@code up}, {@code down}, anything else unknown). */
  TargetHealth plus(String health) {
    return switch (health) {
      case "up" -> new TargetHealth(up + 1, down, unknown);
      case "down" -> new TargetHealth(up, down + 1, unknown);
      default -> new TargetHealth(up, down, unknown + 1);
    };
  }
}
