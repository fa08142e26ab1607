package io.promcc.kube;

import io.kubernetes.client.informer.cache.Cache;
import io.kubernetes.client.informer.cache.Caches;
import io.kubernetes.client.informer.cache.DeltaFIFO;
import io.kubernetes.client.informer.cache.ReflectorRunnable;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceList;
import io.promcc.core.port.Sleeper;
import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.FakeRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the tests of {@link TrackedListerWatcher} and {@link TrackedInformer} over Services share:
 * a fake API server (closed after each test) that sends no bookmarks, so a watch that works says
 * nothing until an object changes; a ticker only the sleeper moves, each pause it waits and the
 * ticker at each list recorded; and a lister-watcher of Services in all namespaces, as
 * ServiceClusterSource makes, on them.
 */
abstract class ServiceWatchFixture {
  static final String DESCRIPTION = "services in all namespaces";
  /** A minute on {@link #ticker}, in nanoseconds. */
  static final long MINUTE = Duration.ofMinutes(1).toNanos();

  /** Nanoseconds, as {@link System#nanoTime()}; only {@link #sleeper} and the test move it. */
  final AtomicLong ticker = new AtomicLong();
  /** Each pause the sleeper waited, in order. */
  final List<Duration> pauses = new CopyOnWriteArrayList<>();
  /** Records a pause and moves the ticker by it: no real time passes. */
  final Sleeper sleeper = duration -> {
    pauses.add(duration);
    ticker.addAndGet(duration.toNanos());
  };
  /** The ticker at each list request the fake received. */
  final List<Long> listTimes = new CopyOnWriteArrayList<>();
  /**
   * The checks of an open watch, run when the test says on the ticker's time; one for
   * {@link #listerWatcher} and every informer made here, so a test uses one of them.
   */
  final ManualLater later = new ManualLater(ticker::get);
  /** The health {@link #listerWatcher} records into. */
  final InformerHealth health = new InformerHealth(() -> { });
  FakeKubeApi fake;
  TrackedListerWatcher<V1Service, V1ServiceList> listerWatcher;

  @BeforeEach
  void startFake() {
    fake = FakeKubeApi.builder().bookmarkInterval(Duration.ofHours(1))
        .onRequest(request -> {
          if (!request.isWatch()) {
            listTimes.add(ticker.get());
          }
          onRequest(request);
        }).start();
    CoreV1Api api = new CoreV1Api(fake.newClient());
    listerWatcher = new TrackedListerWatcher<>(api.getApiClient(),
        ServiceCalls.inAllNamespaces(api), V1Service.class, V1ServiceList.class, DESCRIPTION,
        health, WatchSettings.defaults(), ticker::get, sleeper, later);
  }

  @AfterEach
  void closeFake() {
    fake.close();
  }

  /** Each request the fake receives, on its thread, before it is answered; nothing here. */
  void onRequest(FakeRequest request) {
  }

  /** An informer on a client of its own, with {@link #sleeper}; not started. */
  TrackedInformer<V1Service, V1ServiceList> informer(Runnable onChange) {
    return informer(onChange, sleeper);
  }

  /** An informer on a client of its own, waiting its pauses with {@code sleeper}; not started. */
  TrackedInformer<V1Service, V1ServiceList> informer(Runnable onChange, Sleeper sleeper) {
    CoreV1Api api = new CoreV1Api(fake.newClient());
    return new TrackedInformer<>(api.getApiClient(), ServiceCalls.inAllNamespaces(api),
        V1Service.class, V1ServiceList.class, DESCRIPTION, WatchSettings.defaults(), onChange,
        ticker::get, sleeper, later);
  }

  /** The ticker at each list request the fake received before {@link #MINUTE}, in order. */
  List<Duration> listTimesInTheFirstMinute() {
    List<Duration> out = new ArrayList<>();
    for (long time : listTimes) {
      if (time < MINUTE) {
        out.add(Duration.ofNanos(time));
      }
    }
    return out;
  }

  /** One duration of each of {@code millis} milliseconds, in order. */
  static List<Duration> millisOf(long... millis) {
    List<Duration> out = new ArrayList<>();
    for (long m : millis) {
      out.add(Duration.ofMillis(m));
    }
    return out;
  }

  /**
   * Runs client-java's own reflector on {@link #listerWatcher} over the first minute, run again
   * each time it gives up, as the informer's controller does a real second later.
   */
  void runTheReflectorForAMinute() {
    ReflectorRunnable<V1Service, V1ServiceList> reflector = new ReflectorRunnable<>(
        V1Service.class, listerWatcher,
        new DeltaFIFO(Caches::metaNamespaceKeyFunc, new Cache<V1Service>()),
        (type, error) -> listerWatcher.reflectorFailed(error));
    // bounded in runs too: without a pause the ticker never moves
    for (int runs = 0; runs < 20 && ticker.get() < MINUTE; runs++) {
      reflector.run();
    }
  }
}
