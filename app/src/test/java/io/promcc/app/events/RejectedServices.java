package io.promcc.app.events;

import io.promcc.core.model.Rejection;
import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/** The Events tests' reconcile result: nothing changed, and these Services rejected. */
final class RejectedServices {
  private RejectedServices() {}

  /** An unchanged result rejecting each of {@code services} for an http api server. */
  static ReconcileResult rejecting(String... services) {
    return new ReconcileResult(Outcome.UNCHANGED, "", Optional.empty(), Optional.empty(),
        List.of(), List.of(), List.of(), new TreeMap<>(), List.of(),
        Arrays.stream(services).map(service -> new Rejection("service \"" + service
            + "\"", "invalid-api-server", "api server must be https")).toList(),
        new TreeMap<>(), true, false, false, Optional.empty(), new TreeMap<>());
  }
}
