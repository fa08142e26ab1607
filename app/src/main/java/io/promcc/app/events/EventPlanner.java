package io.promcc.app.events;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.ClusterId;
import io.promcc.core.model.InvalidValueException;
import io.promcc.core.model.Rejection;
import io.promcc.core.reconcile.ReconcileResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The Events a reconcile's result asks for: one per Service and reason, on the Service a
 * rejection names or the one that defines a waiting cluster, none for a request the stop
 * ended. Thread-safe if the functions it is given are.
 */
final class EventPlanner {
  /**
   * The reason of a cluster whose certificate request the stop ended: the controller stops,
   * nothing is wrong with the Service (docs/operations.md: "promcc is stopping", nothing to do),
   * so it gets no Event.
   */
  static final String STOPPING = "interrupted";

  private final Function<ClusterId, Optional<String>> serviceOfCluster;
  private final Function<String, Optional<String>> uidOfService;

  /**
   * @param serviceOfCluster the Service ({@code namespace/name}) that defines a cluster
   * @param uidOfService the uid of a Service ({@code namespace/name}), if known
   */
  EventPlanner(Function<ClusterId, Optional<String>> serviceOfCluster,
      Function<String, Optional<String>> uidOfService) {
    this.serviceOfCluster = requireNonNull(serviceOfCluster, "serviceOfCluster == null");
    this.uidOfService = requireNonNull(uidOfService, "uidOfService == null");
  }

  /** The Events a result asks for, one per Service and reason. */
  List<PlannedEvent> plan(ReconcileResult result) {
    List<PlannedEvent> out = new ArrayList<>();
    for (Rejection rejection : result.rejected()) {
      if (rejection.reason().equals(STOPPING)) {
        continue;
      }
      plan(rejection, rejection.reason() + "\n" + rejection.message()).ifPresent(out::add);
    }
    out.addAll(planWaiting(result));
    return out;
  }

  /** The Events of the clusters a result names as waiting for their certificates. */
  List<PlannedEvent> planWaiting(ReconcileResult result) {
    List<PlannedEvent> out = new ArrayList<>();
    for (Rejection waiting : result.waiting()) {
      if (waiting.reason().equals(STOPPING)) {
        continue;
      }
      plan(waiting, waiting.reason()).ifPresent(out::add);
    }
    return out;
  }

  private Optional<PlannedEvent> plan(Rejection rejection, String identity) {
    return serviceOf(rejection.subject()).map(s -> {
      int slash = s.indexOf('/');
      return new PlannedEvent(s.substring(0, slash), s.substring(slash + 1), uidOfService.apply(s),
          eventReason(rejection.reason()), rejection.message(), identity);
    });
  }

  /** {@code service "ns/name"} as the kube-adapter names Services, or a cluster ID. */
  private Optional<String> serviceOf(String subject) {
    if (subject.startsWith("service \"") && subject.endsWith("\"")) {
      String inner = subject.substring("service \"".length(), subject.length() - 1);
      return inner.indexOf('/') > 0 ? Optional.of(inner) : Optional.empty();
    }
    try {
      return serviceOfCluster.apply(ClusterId.of(subject));
    } catch (InvalidValueException notACluster) {
      return Optional.empty();
    }
  }

  /** {@code duplicate-cluster-id} becomes {@code DuplicateClusterId}, as Events' reasons are. */
  static String eventReason(String reason) {
    StringBuilder out = new StringBuilder();
    for (String part : reason.split("[-_ ]+")) {
      if (!part.isEmpty()) {
        out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
      }
    }
    return out.length() == 0 ? "Rejected" : out.toString();
  }
}
