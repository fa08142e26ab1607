package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Secret;
import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.GuestCluster;
import io.promcc.kube.fake.ApiResource;
import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.Poll;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A Secret whose certificate carries an Ed25519 key, with that key, is served: the key check
 * takes every key type the check before writing takes.
 */
class SecretCertificateSourceKeyTypesTest {
  private static final GuestCluster ABC = GuestCluster.of("abc12", "aws", "https://master.abc12");
  private FakeKubeApi fake;
  private SecretCertificateSource source;

  @AfterEach
  void tearDown() {
    if (source != null) {
      source.close();
    }
    if (fake != null) {
      fake.close();
    }
  }

  private static String pem(Object o) throws Exception {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(o);
    }
    return out.toString();
  }

  @Test
  void anEd25519SecretWithItsOwnKeyIsServed() throws Exception {
    KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    Instant now = Instant.now();
    X500Name name = new X500Name("CN=prometheus-abc12");
    var cert = new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(
        new JcaX509v3CertificateBuilder(name, BigInteger.TEN, Date.from(now.minusSeconds(60)),
            Date.from(now.plus(Duration.ofDays(1))), name, pair.getPublic())
            .build(new JcaContentSignerBuilder("Ed25519").build(pair.getPrivate())));
    String certPem = pem(cert);
    String keyPem = pem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(
        pair.getPrivate(), null));
    fake = FakeKubeApi.start();
    Map<String, byte[]> data = new LinkedHashMap<>();
    data.put("ca", certPem.getBytes(StandardCharsets.UTF_8));
    data.put("crt", certPem.getBytes(StandardCharsets.UTF_8));
    data.put("key", keyPem.getBytes(StandardCharsets.UTF_8));
    fake.store().create(ApiResource.SECRETS, null, new V1Secret().metadata(new V1ObjectMeta()
        .namespace("default").name("abc12-prometheus")
        .labels(Map.of("clusterID", "abc12", "clusterComponent", "prometheus"))).data(data));
    source = new SecretCertificateSource(fake.newClient(), SecretSettings.defaults(),
        WatchSettings.defaults());
    source.start();
    Poll.until(Duration.ofSeconds(30), "secrets synced", source::hasSynced);
    CertificateBundle bundle = source.certificateFor(ABC);
    assertEquals(certPem, bundle.certificatePem());
  }
}
