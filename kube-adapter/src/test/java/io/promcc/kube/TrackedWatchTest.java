package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1Status;
import io.kubernetes.client.util.Watch;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a {@link TrackedWatch} tells once closed: nothing, whatever a read then meets. An
 * {@code ERROR} event read as the informer stops (its watch closed under the read) was told as a
 * failure, or as an expired version, where an end or a read error then was not.
 */
class TrackedWatchTest {
  /** What the watch told, in order. */
  private final List<String> told = new ArrayList<>();

  private final TrackedWatch.Outcome outcome = new TrackedWatch.Outcome() {
    @Override
    public void delivered() {
      told.add("delivered");
    }

    @Override
    public void ended(boolean delivered) {
      told.add("ended");
    }

    @Override
    public void failed(String failure) {
      told.add("failed: " + failure);
    }

    @Override
    public void expired() {
      told.add("expired");
    }
  };

  /** A watch whose one event, {@code event}, is read after the watch was closed. */
  private TrackedWatch<V1Service> closedBeforeItsEventIsRead(Watch.Response<V1Service> event)
      throws Exception {
    Watch<V1Service> delegate = new Watch<>(null, null, V1Service.class, null) {
      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public Watch.Response<V1Service> next() {
        return event;
      }

      @Override
      public void close() {
      }
    };
    TrackedWatch<V1Service> watch = new TrackedWatch<>(delegate, "watch of services", outcome);
    watch.hasNext();
    watch.close();
    return watch;
  }

  @Test
  void anErrorEventReadOnceClosedIsToldAsNothing() throws Exception {
    closedBeforeItsEventIsRead(new Watch.Response<>("ERROR",
        new V1Status().code(500).reason("InternalError").message("etcd is down"))).next();

    assertEquals(List.of(), told);
  }

  @Test
  void anExpiredEventReadOnceClosedIsToldAsNothing() throws Exception {
    closedBeforeItsEventIsRead(new Watch.Response<>("ERROR",
        new V1Status().code(410).reason("Expired").message("too old resource version"))).next();

    assertEquals(List.of(), told);
  }
}
