package io.promcc.kube;

import static java.util.Objects.requireNonNull;

import com.google.gson.reflect.TypeToken;
import io.kubernetes.client.common.KubernetesListObject;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.informer.ListerWatcher;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.util.CallGenerator;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.Watch;
import io.kubernetes.client.util.Watchable;
import java.io.IOException;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.OkHttpClient;

/**
 * A {@link ListerWatcher} with finite timeouts and health tracking, used instead of the one
 * {@code SharedInformerFactory} builds: that one sets the client's read timeout to zero, so a
 * silently dead connection blocks the informer forever (client-java issue #2330). Here a list has
 * a read timeout, a watch asks the server to end it after {@code watchTimeout} and reads with that
 * plus a grace period; watches always allow bookmarks so a resumed watch starts from a recent
 * version. Every call's outcome goes to an {@link InformerHealth}.
 *
 * <p>Thread-safe as far as the reflector needs (it calls from one thread).
 */
final class TrackedListerWatcher<T extends KubernetesObject, L extends KubernetesListObject>
    implements ListerWatcher<T, L> {
  private final ApiClient client;
  private final CallGenerator calls;
  private final Class<T> type;
  private final Class<L> listType;
  private final String description;
  private final InformerHealth health;
  private final OkHttpClient listHttp;
  private final WatchSettings settings;

  /**
   * @param calls builds the list call; {@code params.watch} selects a watch
   * @param description e.g. {@code services in all namespaces}, used in failure messages
   */
  TrackedListerWatcher(ApiClient client, CallGenerator calls, Class<T> type, Class<L> listType,
      String description, InformerHealth health, WatchSettings settings) {
    this.client = requireNonNull(client, "client == null");
    this.calls = requireNonNull(calls, "calls == null");
    this.type = requireNonNull(type, "type == null");
    this.listType = requireNonNull(listType, "listType == null");
    this.description = requireNonNull(description, "description == null");
    this.health = requireNonNull(health, "health == null");
    this.settings = requireNonNull(settings, "settings == null");
    this.listHttp = client.getHttpClient().newBuilder()
        .readTimeout(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS).build();
  }

  @Override
  public L list(CallGeneratorParams params) throws ApiException {
    try {
      Call call = listHttp.newCall(calls.generate(
          new CallGeneratorParams(false, params.resourceVersion, null)).request());
      L list = client.<L>execute(call, listType).getData();
      health.ok();
      return list;
    } catch (ApiException | RuntimeException e) {
      health.failed("cannot list " + description + ": " + describe(e));
      throw e;
    }
  }

  @Override
  public Watchable<T> watch(CallGeneratorParams params) throws ApiException {
    long seconds = settings.watchTimeout().toSeconds();
    if (params.timeoutSeconds != null && params.timeoutSeconds > 0) {
      seconds = Math.min(seconds, params.timeoutSeconds);
    }
    OkHttpClient watchHttp = client.getHttpClient().newBuilder()
        .readTimeout(seconds * 1000 + settings.watchReadGrace().toMillis(),
            TimeUnit.MILLISECONDS)
        .build();
    try {
      Call call = watchHttp.newCall(calls.generate(
          new CallGeneratorParams(true, params.resourceVersion, (int) seconds)).request());
      Watch<T> watch = Watch.createWatch(client, call,
          TypeToken.getParameterized(Watch.Response.class, type).getType());
      health.ok();
      return new TrackedWatch<>(watch, health, "watch of " + description);
    } catch (ApiException | RuntimeException e) {
      health.failed("cannot watch " + description + ": " + describe(e));
      throw e;
    }
  }

  static String describe(Throwable e) {
    if (e instanceof ApiException api && api.getCode() > 0) {
      return "http status " + api.getCode();
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName()
        + (root.getMessage() == null ? "" : ": " + root.getMessage());
  }

  /** Records a watch stream that breaks mid-way (a read error, not the server ending it). */
  private static final class TrackedWatch<T> implements Watchable<T> {
    private final Watch<T> delegate;
    private final InformerHealth health;
    private final String description;

    TrackedWatch(Watch<T> delegate, InformerHealth health, String description) {
      this.delegate = delegate;
      this.health = health;
      this.description = description;
    }

    @Override
    public boolean hasNext() {
      try {
        return delegate.hasNext();
      } catch (RuntimeException e) {
        health.failed(description + " broke: " + describe(e));
        throw e;
      }
    }

    @Override
    public Watch.Response<T> next() {
      return delegate.next();
    }

    @Override
    public Iterator<Watch.Response<T>> iterator() {
      return this;
    }

    @Override
    public void close() throws IOException {
      delegate.close();
    }
  }
}
