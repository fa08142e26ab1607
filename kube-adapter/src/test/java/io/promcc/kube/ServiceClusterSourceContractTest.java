package io.promcc.kube;

import io.promcc.core.port.GuestClusterSource;
import io.promcc.core.port.GuestClusterSourceContract;
import io.promcc.kube.fake.ApiResource;
import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.Poll;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;

/** The Services source passes the same contract as the core's fake, against the API fake. */
class ServiceClusterSourceContractTest extends GuestClusterSourceContract {
  private final FakeKubeApi fake = FakeKubeApi.start();

  @AfterEach
  void stopFake() {
    fake.close();
  }

  @Override
  protected GuestClusterSource newSource() {
    return new ServiceClusterSource(fake.newClient(), DiscoverySettings.defaults(),
        WatchSettings.defaults());
  }

  @Override
  protected void addCluster(String id) {
    fake.store().create(ApiResource.SERVICES, id, TestServices.guest(id));
  }

  @Override
  protected void removeCluster(String id) {
    fake.store().delete(ApiResource.SERVICES, id, "master");
  }

  @Override
  protected void breakSource() {
    // once the watch is registered: one still on its way when the fault comes would run on
    Poll.until(Duration.ofSeconds(30), "a watch", () -> fake.store().watchCount() > 0);
    // every list fails and every open watch ends, so the informer has to list again
    fake.faults().fail(Integer.MAX_VALUE, 500, request -> true);
    fake.faults().closeWatches();
  }

  @Override
  protected void repair() {
    fake.faults().clear();
  }
}
