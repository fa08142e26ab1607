package io.promcc.it;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.GuestCluster;
import io.promcc.kube.GuestClusterFixture;
import io.promcc.kube.fake.FakeKubeApi;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A simulated guest cluster: the Kubernetes API fake of kube-adapter's test-jar on a loopback
 * port, over HTTPS that requires a client certificate from {@link GuestTls#clientCa()} and
 * presents {@link GuestTls#certificate()}, seeded with {@link GuestClusterFixture} (nodes, pods
 * and endpoints for every job of the default profile, and metrics behind the proxy paths).
 * Several guest clusters may share one API ({@link #cluster} names a cluster on it).
 *
 * <p>Thread-safe; {@link #close()} stops the server.
 */
public final class GuestApi implements AutoCloseable {
  private final FakeKubeApi fake;

  private GuestApi(FakeKubeApi fake) {
    this.fake = fake;
  }

  /** Starts a seeded guest API with {@code tls}. */
  public static GuestApi start(GuestTls tls) {
    requireNonNull(tls, "tls == null");
    FakeKubeApi fake = FakeKubeApi.builder()
        .clientAuth(FakeKubeApi.ClientAuth.REQUIRE)
        .trustClientCa(tls.clientCa())
        .servingCertificate(tls.certificate(), tls.key(),
            tls.chain().toArray(X509Certificate[]::new))
        .start();
    try {
      GuestClusterFixture.seed(fake);
    } catch (RuntimeException e) {
      fake.close();
      throw e;
    }
    return new GuestApi(fake);
  }

  /** {@code https://127.0.0.1:<port>}: the {@code apiServer} of a cluster on this API. */
  public URI url() {
    return fake.url();
  }

  /** The port it listens on. */
  public int port() {
    return fake.url().getPort();
  }

  /** {@code 127.0.0.1:<port>}: the {@code etcd} of a cluster whose etcd job scrapes this API. */
  public String authority() {
    return fake.url().getAuthority();
  }

  /** The fake behind it (objects, faults, recorded requests). */
  public FakeKubeApi fake() {
    return fake;
  }

  /**
   * A guest cluster on this API.
   *
   * @param etcd whether the cluster has an etcd job (scraping this API's {@code /metrics})
   */
  public GuestCluster cluster(String id, String provider, Map<String, String> labels,
      boolean etcd) {
    return GuestClusterFixture.cluster(fake, id, provider, labels, etcd);
  }

  /** The clusters-file entry of {@code cluster}, which must be on this API. */
  public ClustersFile.Entry entry(GuestCluster cluster) {
    if (!cluster.apiServer().equals(url())) {
      throw new IllegalArgumentException("cluster " + cluster.id().value() + " is not on "
          + url() + ", found \"" + cluster.apiServer() + "\"");
    }
    return new ClustersFile.Entry(cluster.id().value(), cluster.provider(), url().toString(),
        cluster.labels(), cluster.etcd().map(Object::toString));
  }

  /**
   * The label set of every {@code up} series the default profile makes for {@code cluster}, one
   * per target ({@code __name__}, {@code job} and {@code instance} included).
   */
  public List<Map<String, String>> expectedUp(GuestCluster cluster) {
    return GuestClusterFixture.expectedUp(cluster, fake);
  }

  /** Client certificate CNs of the requests seen so far (the clusters that reached it). */
  public List<String> clientNames() {
    return fake.requests().stream().map(r -> r.clientCommonName())
        .flatMap(Optional::stream).distinct().sorted().toList();
  }

  @Override
  public void close() {
    fake.close();
  }

  @Override
  public String toString() {
    return "GuestApi{" + url() + "}";
  }
}
