package io.promcc.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The plan package shows embedders the planner and its values; the helpers the planner and the
 * reconciler share among themselves are not part of core's public API.
 */
class PlanPublicApiTest {
  @Test
  void ascendingLookupIsNotPartOfCoresPublicApi() {
    assertFalse(Modifier.isPublic(AscendingLookup.class.getModifiers()),
        "AscendingLookup is public, yet it is a walk core's packages use for themselves");
  }

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
