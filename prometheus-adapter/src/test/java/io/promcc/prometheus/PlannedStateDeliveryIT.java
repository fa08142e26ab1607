package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Secret;
import io.promcc.core.plan.FileDiff;
import io.promcc.core.plan.Planner;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The core planner's real output, delivered to a real Prometheus 2.53.3 and checked by promtool. */
class PlannedStateDeliveryIT {
  @TempDir Path work;
  private PrometheusProcess prometheus;

  @AfterEach
  void stop() {
    if (prometheus != null) {
      prometheus.close();
    }
  }

  private static DesiredState plan(String... ids) {
    List<GuestCluster> clusters = new java.util.ArrayList<>();
    Map<ClusterId, CertificateBundle> certificates = new TreeMap<>();
    for (String id : ids) {
      GuestCluster cluster = GuestCluster.of(id, "aws", "https://master." + id + ":443");
      clusters.add(cluster);
      TestCertificates.Bundle bundle = TestCertificates.client(id);
      certificates.put(cluster.id(), CertificateBundle.fromPem(bundle.caPem(),
          bundle.certificatePem(), Secret.of(bundle.traditionalKeyPem())));
    }
    return Planner.withDefaults().plan(clusters, certificates, ControllerSettings.DEFAULTS);
  }

  @Test
  void deliversThePlannersOutputAndRemovesADeletedClustersFiles() throws IOException {
    Path out = Files.createDirectory(work.resolve("out"));
    int port = PrometheusProcess.freePort();
    PrometheusAdapterSettings settings = PrometheusAdapterSettings.builder(out,
            URI.create("http://127.0.0.1:" + port))
        .readyTimeout(Duration.ofSeconds(60)).reloadTimeout(Duration.ofSeconds(60))
        .promtool(PrometheusProcess.promtool()).build();
    DesiredState empty = plan();
    AtomicFileStore store = new AtomicFileStore(settings);
    store.write(empty, FileDiff.between(empty, store.readOwned()));
    prometheus = PrometheusProcess.start(out.resolve(empty.configPath()), work, port, true);
    HttpPrometheusControl control = new HttpPrometheusControl(
        HttpPrometheusControl.newHttpClient(settings), settings, Clock.systemUTC());
    VerifiedDelivery delivery = new VerifiedDelivery(store, control, new LocalValidation(settings),
        settings, Clock.systemUTC());

    DesiredState two = plan("alpha", "beta");
    DeliveryResult first = delivery.apply(two);
    assertTrue(first.reloaded(), first.toString());
    String loaded = control.loadedConfig();
    assertTrue(loaded.contains("job_name: guest-cluster-alpha-"), loaded);
    assertTrue(loaded.contains("job_name: guest-cluster-beta-"), loaded);
    assertTrue(delivery.apply(two).unchanged());

    DesiredState one = plan("alpha");
    DeliveryResult second = delivery.apply(one);

    assertTrue(second.reloaded(), second.toString());
    assertFalse(second.deleted().isEmpty(), second.toString());
    assertTrue(second.deleted().stream().allMatch(p -> p.contains("beta")), second.toString());
    second.deleted().forEach(p -> assertFalse(Files.exists(out.resolve(p)), p));
    assertFalse(control.loadedConfig().contains("guest-cluster-beta-"));
    assertEquals(one.files(), store.readOwned());
    assertEquals(Optional.of(one.hash()), store.lastVerified().map(v -> v.stateHash()));
  }
}
