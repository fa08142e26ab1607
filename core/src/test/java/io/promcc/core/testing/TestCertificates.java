package io.promcc.core.testing;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * Fixed test CAs and client certificates (EC P-256), for tests that need real PEM without a
 * crypto library: {@link #bundle()} and {@link #other()} are valid until 2125, {@link #expired()}
 * ended in 2024. Shipped in core's test-jar.
 */
public final class TestCertificates {
  private static final CertificateBundle BUNDLE = CertificateBundle.fromPem(read("ca.pem"),
      read("client.pem"), Secret.of(read("client-key.pem")));

  private static final CertificateBundle OTHER = CertificateBundle.fromPem(read("other-ca.pem"),
      read("other-client.pem"), Secret.of(read("other-client-key.pem")));
  private static final CertificateBundle EXPIRED = CertificateBundle.fromPem(read("other-ca.pem"),
      read("expired-client.pem"), Secret.of(read("expired-client-key.pem")));

  private TestCertificates() {}

  /**
   * A second bundle, from another CA (valid until 2125): what a renewal looks like, as its bytes
   * differ from {@link #bundle()}'s.
   */
  public static CertificateBundle other() {
    return OTHER;
  }

  /** A bundle whose client certificate ended on 2024-01-02. */
  public static CertificateBundle expired() {
    return EXPIRED;
  }

  /** The test bundle (the same for every cluster). */
  public static CertificateBundle bundle() {
    return BUNDLE;
  }

  /** The test bundle for each of {@code clusters}. */
  public static Map<ClusterId, CertificateBundle> forAll(Collection<GuestCluster> clusters) {
    Map<ClusterId, CertificateBundle> certificates = new TreeMap<>();
    clusters.forEach(cluster -> certificates.put(cluster.id(), BUNDLE));
    return certificates;
  }

  /** A PEM file of the test set: {@code ca.pem}, {@code client.pem} or {@code client-key.pem}. */
  public static String read(String name) {
    try (InputStream in =
        TestCertificates.class.getResourceAsStream("/io/promcc/core/certs/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
