package io.promcc.kube;

import static java.util.Objects.requireNonNull;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1LeaseSpec;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.OkHttpClient;

/**
 * Reads, creates and replaces one {@code coordination.k8s.io/v1} Lease. A replace carries the
 * resourceVersion of the Lease it is based on, so of two candidates writing the same version
 * only one succeeds (409 for the other). Every call has a deadline: a blocked HTTP read is not
 * interruptible and would otherwise stall the election for good. Responses are read tolerantly
 * (fields newer than client-java's models are ignored, see {@link TolerantJson}).
 *
 * <p>Nothing here judges time: {@link LeaderElection} does, on its own monotonic clock.
 * Thread-safe (stateless besides its configuration).
 */
final class LeaseLock {
  /** A Lease as read: the spec's fields, and the Lease itself for a replace based on it. */
  record Observed(V1Lease lease) {
    Observed {
      requireNonNull(lease, "lease == null");
    }

    private V1LeaseSpec spec() {
      return lease.getSpec() == null ? new V1LeaseSpec() : lease.getSpec();
    }

    /** The holder; empty if none (never acquired, or released). */
    Optional<String> holder() {
      String holder = spec().getHolderIdentity();
      return holder == null || holder.isEmpty() ? Optional.empty() : Optional.of(holder);
    }

    /** The holder's promised lease duration, if it wrote a positive one. */
    Optional<Duration> leaseDuration() {
      Integer seconds = spec().getLeaseDurationSeconds();
      return seconds == null || seconds <= 0 ? Optional.empty()
          : Optional.of(Duration.ofSeconds(seconds));
    }

    Optional<OffsetDateTime> acquireTime() {
      return Optional.ofNullable(spec().getAcquireTime());
    }

    int transitions() {
      Integer transitions = spec().getLeaseTransitions();
      return transitions == null ? 0 : transitions;
    }

    /** Changes with every write of the Lease; how a follower notices a renewal. */
    String resourceVersion() {
      return lease.getMetadata() == null ? "" : String.valueOf(
          lease.getMetadata().getResourceVersion());
    }
  }

  private final ApiClient client;
  private final CoordinationV1Api api;
  private final OkHttpClient http;
  private final String namespace;
  private final String name;

  LeaseLock(ApiClient client, String namespace, String name, Duration callTimeout) {
    this.client = requireNonNull(client, "client == null");
    this.api = new CoordinationV1Api(client);
    this.http = client.getHttpClient().newBuilder()
        .callTimeout(callTimeout.toMillis(), TimeUnit.MILLISECONDS).build();
    this.namespace = requireNonNull(namespace, "namespace == null");
    this.name = requireNonNull(name, "name == null");
  }

  /**
   * The Lease, or empty if it does not exist.
   *
   * @throws ApiException on any other failure
   */
  Optional<Observed> read() throws ApiException {
    try {
      return Optional.of(new Observed(execute(api.readNamespacedLease(name, namespace)
          .buildCall(null))));
    } catch (ApiException e) {
      if (e.getCode() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * Creates the Lease with this spec.
   *
   * @throws ApiException e.g. 409 if another candidate created it first
   */
  Observed create(V1LeaseSpec spec) throws ApiException {
    V1Lease lease = new V1Lease().metadata(new V1ObjectMeta().namespace(namespace).name(name))
        .spec(spec);
    return new Observed(execute(api.createNamespacedLease(namespace, lease).buildCall(null)));
  }

  /**
   * Replaces the spec of the Lease as it was read in {@code basis} (its labels, annotations and
   * resourceVersion are kept).
   *
   * @throws ApiException e.g. 409 if the Lease changed since {@code basis} was read
   */
  Observed replace(Observed basis, V1LeaseSpec spec) throws ApiException {
    V1Lease replacement = new V1Lease().metadata(basis.lease().getMetadata()).spec(spec);
    return new Observed(execute(api.replaceNamespacedLease(name, namespace, replacement)
        .buildCall(null)));
  }

  /** {@code namespace/name}. */
  String describe() {
    return namespace + "/" + name;
  }

  /** The API server's URL, for messages ({@link FailureText#describe(Throwable, String)}). */
  String server() {
    return client.getBasePath();
  }

  private V1Lease execute(Call call) throws ApiException {
    return TolerantJson.execute(client, http.newCall(call.request()), V1Lease.class);
  }
}
