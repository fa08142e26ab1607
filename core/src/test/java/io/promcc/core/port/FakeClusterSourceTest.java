package io.promcc.core.port;

import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;

/** The fake cluster source passes the same contract as the real one. */
class FakeClusterSourceTest extends GuestClusterSourceContract {
  private final FakeClusterSource fake = new FakeClusterSource();

  @Override
  protected GuestClusterSource newSource() {
    return fake;
  }

  @Override
  protected void addCluster(String id) {
    fake.put(GuestCluster.of(id, "aws", "https://" + id + ".example"));
  }

  @Override
  protected void removeCluster(String id) {
    fake.remove(ClusterId.of(id));
  }

  @Override
  protected void breakSource() {
    fake.fail("fake list failure");
  }

  @Override
  protected void repair() {
    fake.fail(null);
  }
}
