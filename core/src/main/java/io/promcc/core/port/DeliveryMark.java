package io.promcc.core.port;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * One change to a {@link ConfigStore}'s {@link DeliveryRecord}, made with
 * {@link ConfigStore#mark}: a verification, a rejection set or cleared, or a reload asked for.
 * Immutable values, safe to share between threads; every part is non-null (an empty optional
 * clears).
 */
public sealed interface DeliveryMark {

  /**
   * Prometheus loaded the configuration files the store owns right now: the store replaces any
   * earlier verification with {@code verification}, keeps a copy of all owned files as the
   * rollback set for {@link ConfigStore#restoreLastVerified}, drops the reload asked for and
   * leaves the recorded rejection as it is.
   */
  record Verified(Verification verification) implements DeliveryMark {
    /** @throws NullPointerException if {@code verification} is null */
    public Verified {
      requireNonNull(verification, "verification == null");
    }
  }

  /**
   * The configuration Prometheus rejected, replacing the one recorded before; empty clears it.
   * The verification and the reload asked for stay as they are.
   */
  record Rejected(Optional<RejectedConfig> rejected) implements DeliveryMark {
    /** @throws NullPointerException if {@code rejected} is null (empty clears) */
    public Rejected {
      requireNonNull(rejected, "rejected == null");
    }
  }

  /**
   * A reload of the configuration files the store owns right now is asked for
   * ({@link DeliveryRecord#reloadAsked()}), until a configuration file changes (a write or a
   * restore) or a verification is recorded: either drops it. A store may keep nothing of it, so
   * that a controller restarted during a reload reloads that configuration once more.
   */
  record Reloading(ReloadAsked asked) implements DeliveryMark {
    /** @throws NullPointerException if {@code asked} is null */
    public Reloading {
      requireNonNull(asked, "asked == null");
    }
  }
}
