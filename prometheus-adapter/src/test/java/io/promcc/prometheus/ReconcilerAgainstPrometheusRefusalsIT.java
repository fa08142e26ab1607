package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.DesiredState;
import io.promcc.core.model.ValidationException;
import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.testing.PrometheusTools;
import io.promcc.core.testing.ThrowawayCa;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The reconciler over the real adapters against a real Prometheus (2.53.3 and 3.x) (see {@link
 * ReconcilerAgainstPrometheusFixture}): configs refused by Prometheus, by a rule file broken
 * outside promcc's files, and by promtool before anything is written.
 */
class ReconcilerAgainstPrometheusRefusalsIT extends ReconcilerAgainstPrometheusFixture {
  /** A rule file Prometheus loads. */
  private static final String GOOD_RULES = "groups:\n- name: g\n  rules:\n"
      + "  - record: job:up:sum\n    expr: sum by (job) (up)\n";

  @Test
  void aRejectedConfigIsRolledBackReportedInPrometheusWordsAndNotTriedAgain() {
    startPrometheus(true);
    add("alpha");
    Controller c = controller();
    c.reconcile();
    String good = c.control.loadedConfig();
    add("beta");
    baseConfig = BAD_BASE; // passes the adapter's own checks (no promtool), Prometheus refuses

    ReconcileResult result = c.reconcile();

    assertEquals(Outcome.REJECTED, result.outcome());
    assertTrue(result.rolledBack(), result.message());
    assertTrue(result.message().contains("field bogus_setting not found in type"),
        result.message());
    assertFalse(c.store.readOwned().get("prometheus.yml").text().contains("guest-cluster-beta-"),
        "the config on disk is the verified one again");
    assertTrue(c.control.runtimeInfo().reloadConfigSuccess());
    assertEquals(good, c.control.loadedConfig());
    int reloads = c.control.reloads();

    Controller restarted = controller();
    ReconcileResult again = restarted.reconcile();
    assertEquals(Outcome.REJECTED, again.outcome());
    assertTrue(again.message().contains("not tried again"), again.message());
    assertEquals(0, restarted.control.reloads());
    assertEquals(reloads, c.control.reloads());

    baseConfig = GOOD_BASE;
    assertEquals(Outcome.RELOADED, restarted.reconcile().outcome());
    assertTrue(restarted.control.loadedConfig().contains("guest-cluster-beta-"));
  }

  /**
   * Starts Prometheus with a base config naming {@code rules}, written {@link #GOOD_RULES}, and
   * returns a controller whose first reconcile loaded cluster alpha.
   */
  private Controller loadedWithRules(Path rules) throws IOException {
    Files.writeString(rules, GOOD_RULES);
    startPrometheus(true);
    baseConfig = GOOD_BASE + "rule_files:\n- " + rules + "\n";
    add("alpha");
    Controller c = controller();
    assertEquals(Outcome.RELOADED, c.reconcile().outcome());
    return c;
  }

  /**
   * A rule file broken by someone else makes Prometheus refuse every config, the restored one
   * too: the new config is not pinned, and lands once the rule file is fixed.
   */
  @Test
  void aConfigRefusedForABrokenRuleFileLandsOnceTheRuleFileIsFixed() throws IOException {
    Path rules = work.resolve("rules.yml");
    Controller c = loadedWithRules(rules);

    Files.writeString(rules, GOOD_RULES.replace("(up)", "(up")); // a parse error
    add("beta");
    ReconcileResult refused = c.reconcile();
    assertEquals(Outcome.REJECTED, refused.outcome(), refused.message());
    assertTrue(refused.message().contains("the cause is outside promcc's files"),
        refused.message());

    Files.writeString(rules, GOOD_RULES); // and no one reloads Prometheus
    controllerClock.skip(Duration.ofMinutes(5)); // when promcc reloads the verified config
    ReconcileResult afterFix = c.reconcile();
    assertEquals(Outcome.RELOADED, afterFix.outcome(), afterFix.message());
    assertTrue(c.control.loadedConfig().contains("guest-cluster-beta-"));
  }

  /**
   * Prometheus 2.53.3 refuses a reload for a broken rule file with a 500, yet applies the new
   * scrape config: trying the refused config at every reconcile, and restoring the last
   * verified one after it, switched its scrape jobs back and forth at every reconcile (two
   * reloads each). The refused config waits, named, while the verified one is refused (no
   * reload of it until 5 minutes passed: each restarts Prometheus' service discovery; nothing
   * written), and lands once the rule file is fixed, with the next reload of the verified one.
   */
  @Test
  void aConfigRefusedForABrokenRuleFileIsNotTriedAgainUntilTheVerifiedOneLoads()
      throws IOException {
    Path rules = work.resolve("rules.yml");
    Controller c = loadedWithRules(rules);
    String good = c.control.loadedConfig();
    Files.writeString(rules, GOOD_RULES.replace("(up)", "(up")); // a parse error
    add("beta");

    ReconcileResult refused = c.reconcile();
    assertEquals(Outcome.REJECTED, refused.outcome(), refused.message());
    assertTrue(refused.message().contains("the cause is outside promcc's files"),
        refused.message());
    assertEquals(good, c.control.loadedConfig(), "the verified config restored");
    int reloads = c.control.reloads();
    double lastSuccess = lastReloadSuccess();

    for (int i = 0; i < 2; i++) {
      ReconcileResult waits = c.reconcile();
      assertEquals(Outcome.REJECTED, waits.outcome(), waits.message());
      assertFalse(waits.configInSync(), waits.message());
      assertFalse(waits.desiredReloadAsked(), waits.message());
      assertTrue(waits.written().isEmpty(), "the refused config is not written again: "
          + waits);
      assertTrue(waits.message().contains("waits until prometheus loads it again: prometheus "
          + "refused the last verified config at "), waits.message());
      assertTrue(waits.message().contains(": prometheus rejected the configuration: "
          + "failed to reload config: one or more errors occurred while applying"),
          waits.message());
      assertEquals(reloads, c.control.reloads(), "no reload: nothing changed");
      assertEquals(good, c.control.loadedConfig(), "prometheus scrapes what it scraped");
      assertFalse(c.control.runtimeInfo().reloadConfigSuccess());
      assertEquals(lastSuccess, lastReloadSuccess());
    }

    Files.writeString(rules, GOOD_RULES); // and no one reloads Prometheus
    ReconcileResult stillWaits = c.reconcile();
    assertEquals(Outcome.REJECTED, stillWaits.outcome(), stillWaits.message());
    assertEquals(reloads, c.control.reloads(), "nothing shows the fix before a reload");
    controllerClock.skip(Duration.ofMinutes(5));
    ReconcileResult afterFix = c.reconcile();
    assertEquals(Outcome.RELOADED, afterFix.outcome(), afterFix.message());
    assertEquals(reloads + 2, c.control.reloads(), "the verified config, then the desired");
    assertTrue(c.control.loadedConfig().contains("guest-cluster-beta-"));
    assertTrue(c.control.runtimeInfo().reloadConfigSuccess());
  }

  @Test
  void promtoolRejectsWhatPrometheusWouldAndNothingIsWritten() {
    startPrometheus(true);
    add("alpha");
    Controller c = new Controller(settings().promtool(PrometheusTools.promtool()).build());
    c.reconcile();
    var before = c.store.readOwned();
    add("beta");
    baseConfig = BAD_BASE;

    ReconcileResult result = c.reconcile();

    assertEquals(Outcome.FAILED, result.outcome());
    assertTrue(result.message().contains("promtool check config failed (exit 1)")
        && result.message().contains("field bogus_setting not found"), result.message());
    assertEquals(before, c.store.readOwned());
    assertEquals(1, c.control.reloads());
  }

  @Test
  void promtoolAcceptsAStateWhoseTlsFilesAreStagedWithIt() {
    LocalValidation validation = new LocalValidation(out,
        Optional.of(PrometheusTools.promtool()));
    ThrowawayCa.Issued a = ThrowawayCa.create("a-ca").issueClient("a");
    DesiredState state = TestStates.of(TestStates.guestClusterConfig(List.of("a")),
        TestStates.certificateFiles("a", a));

    validation.check(state, state.files().keySet());

    DesiredState missingKey = TestStates.of(TestStates.guestClusterConfig(List.of("a")),
        Map.of(TestStates.caPath("a"), state.files().get(TestStates.caPath("a")),
            TestStates.certPath("a"), state.files().get(TestStates.certPath("a"))));
    ValidationException e = assertThrows(ValidationException.class,
        () -> validation.check(missingKey, missingKey.files().keySet()));
    assertTrue(e.getMessage().contains("key_file \"certs/a-key.pem\""), e.getMessage());
    assertNotEquals(0, e.problems().size());
  }
}
