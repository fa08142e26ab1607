package io.promcc.app.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.reconcile.Phase;
import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The series the controller exposes: present at zero from the start, with help text, and
 * recorded without loss at ten thousand clusters and under concurrent scrapes.
 */
class ControllerMetricsSeriesTest extends ControllerMetricsFixture {
  @Test
  void everyFixedSeriesExistsAtZeroBeforeTheFirstReconcile() {
    Exposition e = scrape();

    for (Outcome outcome : Outcome.values()) {
      assertEquals(0, e.value("promcc_reconcile_total{outcome=\"" + outcome.label() + "\"}"));
    }
    for (Phase phase : Phase.values()) {
      assertEquals(0,
          e.value("promcc_reconcile_duration_seconds_count{phase=\"" + phase.label() + "\"}"));
    }
    for (String result : List.of("success", "rejected", "unavailable")) {
      assertEquals(0, e.value("promcc_reloads_total{result=\"" + result + "\"}"));
    }
    for (String state : List.of("active", "degraded", "waiting", "rejected")) {
      assertEquals(0, e.value("promcc_guest_clusters{state=\"" + state + "\"}"));
    }
    assertEquals(0, e.value("promcc_config_in_sync"));
    assertEquals(0, e.value("promcc_last_reconcile_timestamp_seconds"));
    assertEquals(0, e.value("promcc_last_successful_reconcile_timestamp_seconds"));
    assertEquals(0, e.value("promcc_last_successful_reload_timestamp_seconds"));
    assertEquals(0, e.value("promcc_rollbacks_total"));
    for (String result : List.of("success", "rejected", "unavailable")) {
      assertEquals(0, e.value("promcc_verified_reloads_total{result=\"" + result + "\"}"));
    }
    assertEquals(0, e.value("promcc_files_written_total"));
    assertEquals(0, e.value("promcc_files_deleted_total"));
    assertEquals(1, e.value("promcc_build_info{version=\"1.2.3\"}"));
    assertEquals(0, e.count("promcc_certificate_not_after_seconds"));
    assertEquals(0, e.count("promcc_rejections"));
    assertTrue(e.count("jvm_memory_used_bytes") > 0, e.text());
    assertTrue(e.has("process_cpu_seconds_total"), e.text());
  }

  @Test
  void theLocalCasEndIsExposedWhileItIsKnown() {
    java.util.concurrent.atomic.AtomicReference<java.util.Optional<Instant>> end =
        new java.util.concurrent.atomic.AtomicReference<>(java.util.Optional.empty());
    metrics.localCaNotAfter(end::get);
    assertEquals(0, scrape().count("promcc_local_ca_not_after_seconds"));

    end.set(java.util.Optional.of(NOT_AFTER));

    assertEquals(NOT_AFTER.getEpochSecond(), scrape().value("promcc_local_ca_not_after_seconds"));
  }

  @Test
  void everyControllerMetricHasHelpText() {
    metrics.sourceError("clusters-file");
    metrics.reconciled(Results.of(Outcome.RELOADED).waiting("b", "certificate-missing")
        .active("a", NOT_AFTER).build(), T0);
    String text = scrape().text();
    List<String> families = new ArrayList<>();
    Matcher type = Pattern.compile("(?m)^# TYPE (promcc_\\S+) ").matcher(text);
    while (type.find()) {
      families.add(type.group(1));
    }

    assertEquals(new TreeSet<>(List.of("promcc_build_info",
        "promcc_certificate_not_after_seconds", "promcc_config_in_sync",
        "promcc_events_failed_total", "promcc_files_deleted_total",
        "promcc_files_written_total", "promcc_guest_clusters",
        "promcc_last_reconcile_timestamp_seconds",
        "promcc_last_successful_reconcile_timestamp_seconds",
        "promcc_last_successful_reload_timestamp_seconds", "promcc_reconcile_total",
        "promcc_reconcile_duration_seconds", "promcc_rejections", "promcc_reloads_total",
        "promcc_rollbacks_total", "promcc_source_errors_total",
        "promcc_verified_reloads_total")), new TreeSet<>(families));
    for (String family : families) {
      Matcher help = Pattern.compile("(?m)^# HELP " + family + " (.+)$").matcher(text);
      assertTrue(help.find() && help.group(1).length() > 20, "no help text for " + family);
    }
  }

  @Test
  void tenThousandClustersAreRecordedAndExposed() {
    Results big = Results.of(Outcome.RELOADED);
    for (int i = 0; i < 10_000; i++) {
      if (i % 10 == 0) {
        big.waiting("w" + i, "certificate-missing");
      } else {
        big.active("c" + i, NOT_AFTER.plusSeconds(i));
      }
    }
    ReconcileResult result = big.build();
    for (int round = 0; round < 20; round++) {
      metrics.reconciled(result, T0.plusSeconds(round));
    }
    Exposition e = scrape();

    assertEquals(9_000, e.value("promcc_guest_clusters{state=\"active\"}"));
    assertEquals(1_000, e.value("promcc_rejections{reason=\"certificate-missing\"}"));
    assertEquals(9_000, e.count("promcc_certificate_not_after_seconds{"));
    assertEquals(NOT_AFTER.getEpochSecond() + 9_999,
        e.value("promcc_certificate_not_after_seconds{cluster=\"c9999\"}"));
    assertEquals(20, e.value("promcc_reconcile_total{outcome=\"reloaded\"}"));
  }

  @Test
  void recordingWhileScrapingFromOtherThreadsLosesNothing() throws Exception {
    Results many = Results.of(Outcome.UNCHANGED).active("a", NOT_AFTER)
        .phase(Phase.OBSERVE, Duration.ofMillis(2));
    for (int i = 0; i < 400; i++) {
      many.waiting("w" + i, "reason-" + i % 4);
    }
    ReconcileResult result = many.build();
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> work = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        work.add(threads.submit(() -> {
          for (int i = 0; i < 500; i++) {
            metrics.reconciled(result, T0.plusSeconds(i));
            metrics.sourceError("clusters-file");
          }
        }));
      }
      work.add(threads.submit(() -> {
        for (int i = 0; i < 50; i++) {
          scrape();
        }
      }));
      for (Future<?> done : work) {
        done.get(60, TimeUnit.SECONDS);
      }
    } finally {
      threads.shutdownNow();
    }
    Exposition e = scrape();

    assertEquals(1_500, e.value("promcc_reconcile_total{outcome=\"unchanged\"}"));
    assertEquals(1_500, e.value("promcc_reconcile_duration_seconds_count{phase=\"observe\"}"));
    assertEquals(1_500, e.value("promcc_source_errors_total{source=\"clusters-file\"}"));
    for (int reason = 0; reason < 4; reason++) {
      assertEquals(100, e.value("promcc_rejections{reason=\"reason-" + reason + "\"}"));
    }
  }
}
