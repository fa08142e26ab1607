package io.promcc.kube;

import static java.util.Objects.requireNonNull;

import io.kubernetes.client.extended.leaderelection.LeaderElectionRecord;
import io.kubernetes.client.extended.leaderelection.Lock;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1LeaseSpec;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.Call;
import okhttp3.OkHttpClient;

/**
 * A {@code coordination.k8s.io/v1} Lease lock like client-java's {@code LeaseLock}, with two
 * fixes:
 *
 * <ul>
 *   <li>An expired lease (its {@code renewTime + leaseDurationSeconds} is past) or a released one
 *       (empty holder) is presented to the elector as empty, so it is taken over at once instead
 *       of after a further full lease duration of local observation (client-java #4913). The
 *       take-over is still an update with the read resourceVersion, so two candidates cannot
 *       both win. This trusts the clocks of the replicas to agree within the lease duration.
 *   <li>Every call has a deadline. The elector cancels a slow attempt, but a blocked HTTP read is
 *       not interruptible and would stall its single lease thread for good.
 * </ul>
 *
 * <p>Used by one elector round at a time; the last read Lease is kept for the next update.
 */
final class ExpiryAwareLeaseLock implements Lock {
  private final CoordinationV1Api api;
  private final ApiClient client;
  private final OkHttpClient http;
  private final String namespace;
  private final String name;
  private final String identity;
  private final Clock clock;
  private final AtomicReference<V1Lease> lastRead = new AtomicReference<>();

  ExpiryAwareLeaseLock(ApiClient client, String namespace, String name, String identity,
      Duration callTimeout, Clock clock) {
    this.client = requireNonNull(client, "client == null");
    this.api = new CoordinationV1Api(client);
    this.http = client.getHttpClient().newBuilder()
        .callTimeout(callTimeout.toMillis(), TimeUnit.MILLISECONDS).build();
    this.namespace = requireNonNull(namespace, "namespace == null");
    this.name = requireNonNull(name, "name == null");
    this.identity = requireNonNull(identity, "identity == null");
    this.clock = requireNonNull(clock, "clock == null");
  }

  @Override
  public LeaderElectionRecord get() throws ApiException {
    V1Lease lease = execute(api.readNamespacedLease(name, namespace).buildCall(null));
    lastRead.set(lease);
    V1LeaseSpec spec = lease.getSpec() == null ? new V1LeaseSpec() : lease.getSpec();
    LeaderElectionRecord record = new LeaderElectionRecord();
    record.setHolderIdentity(spec.getHolderIdentity());
    record.setLeaseDurationSeconds(spec.getLeaseDurationSeconds() == null ? 0
        : spec.getLeaseDurationSeconds());
    record.setLeaderTransitions(spec.getLeaseTransitions() == null ? 0 : spec.getLeaseTransitions());
    if (spec.getAcquireTime() != null) {
      record.setAcquireTime(Date.from(spec.getAcquireTime().toInstant()));
    }
    if (spec.getRenewTime() != null) {
      record.setRenewTime(Date.from(spec.getRenewTime().toInstant()));
    }
    if (!identity.equals(spec.getHolderIdentity()) && isFree(spec)) {
      // the elector treats a record without holder as free and updates it right away
      record.setHolderIdentity(null);
    }
    return record;
  }

  private boolean isFree(V1LeaseSpec spec) {
    if (spec.getHolderIdentity() == null || spec.getHolderIdentity().isEmpty()) {
      return true;
    }
    if (spec.getRenewTime() == null || spec.getLeaseDurationSeconds() == null) {
      return false; // cannot tell; let the elector observe it for a lease duration
    }
    Instant expiry = spec.getRenewTime().toInstant()
        .plusSeconds(spec.getLeaseDurationSeconds());
    return clock.instant().isAfter(expiry);
  }

  @Override
  public boolean create(LeaderElectionRecord record) {
    V1Lease lease = new V1Lease()
        .metadata(new V1ObjectMeta().namespace(namespace).name(name))
        .spec(spec(record));
    try {
      lastRead.set(execute(api.createNamespacedLease(namespace, lease).buildCall(null)));
      return true;
    } catch (ApiException e) {
      return false;
    }
  }

  @Override
  public boolean update(LeaderElectionRecord record) {
    V1Lease latest = lastRead.get();
    if (latest == null) {
      return false;
    }
    V1Lease replacement = new V1Lease().metadata(latest.getMetadata()).spec(spec(record));
    try {
      lastRead.set(execute(api.replaceNamespacedLease(name, namespace, replacement)
          .buildCall(null)));
      return true;
    } catch (ApiException e) {
      // 409: someone else wrote first; anything else: try again next period
      return false;
    }
  }

  @Override
  public String identity() {
    return identity;
  }

  @Override
  public String describe() {
    return namespace + "/" + name;
  }

  private V1Lease execute(Call call) throws ApiException {
    try {
      return client.<V1Lease>execute(http.newCall(call.request()), V1Lease.class).getData();
    } catch (ApiException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ApiException(e);
    }
  }

  private static V1LeaseSpec spec(LeaderElectionRecord record) {
    V1LeaseSpec spec = new V1LeaseSpec()
        .holderIdentity(record.getHolderIdentity())
        .leaseDurationSeconds(record.getLeaseDurationSeconds())
        .leaseTransitions(record.getLeaderTransitions());
    if (record.getAcquireTime() != null) {
      spec.acquireTime(OffsetDateTime.ofInstant(record.getAcquireTime().toInstant(), ZoneOffset.UTC));
    }
    if (record.getRenewTime() != null) {
      spec.renewTime(OffsetDateTime.ofInstant(record.getRenewTime().toInstant(), ZoneOffset.UTC));
    }
    return spec;
  }
}
