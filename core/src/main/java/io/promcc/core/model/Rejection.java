package io.promcc.core.model;

import static java.util.Objects.requireNonNull;

/**
 * Why a guest cluster (or the object that would have described one) was left out. A rejection
 * never stops the other clusters; the app logs it, counts it and, where it can, publishes it as
 * a Kubernetes Event.
 *
 * @param subject what was rejected: a cluster ID, or e.g. {@code service "ns/name"}
 * @param reason a short machine-friendly reason such as {@code certificate-missing}
 * @param message a lower-case sentence for humans that quotes the bad value
 */
public record Rejection(String subject, String reason, String message)
    implements Comparable<Rejection> {

  /** @throws NullPointerException if a part is null */
  public Rejection {
    requireNonNull(subject, "subject == null");
    requireNonNull(reason, "reason == null");
    requireNonNull(message, "message == null");
  }

  @Override
  public int compareTo(Rejection other) {
    int bySubject = subject.compareTo(other.subject);
    if (bySubject != 0) {
      return bySubject;
    }
    int byReason = reason.compareTo(other.reason);
    return byReason != 0 ? byReason : message.compareTo(other.message);
  }

  @Override
  public String toString() {
    return subject + ": " + message + " (" + reason + ")";
  }
}
