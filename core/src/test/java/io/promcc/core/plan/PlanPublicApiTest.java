package io.promcc.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The planner shows embedders planning; the helpers the reconciler uses are not part of its
 * public API.
 */
class PlanPublicApiTest {
  /**
   * Kept jobs are found for the reconciler by {@link KeptJobsFinder}; which cluster a file
   * belongs to is the reconciler's question about a failed delivery.
   */
  @Test
  void plannerShowsNoHelperOfTheReconciler() {
    List<String> helpers = Arrays.stream(Planner.class.getMethods())
        .map(Method::getName).filter(name -> List.of("keptJobs", "clusterOf").contains(name))
        .toList();
    assertEquals(List.of(), helpers, "public methods of Planner");
  }
}
