package io.promcc.vault.fake;

import io.github.jopenlibs.vault.json.Json;
import io.github.jopenlibs.vault.json.JsonObject;
import io.promcc.core.model.Secret;
import io.promcc.core.testing.MutableClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;

/**
 * What the fake's contract tests share: a fake Vault on an injected clock, spoken to with a
 * plain HTTP client as any Vault client would, and requests in Vault's shape.
 */
abstract class FakeVaultOverHttp {
  final MutableClock clock = MutableClock.startingNow();
  final FakeVault vault = FakeVault.start(clock);
  final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void close() {
    vault.close();
  }

  HttpResponse<String> send(String method, String path, Secret token, String body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(vault.address() + "/v1/" + path))
        .timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("X-Vault-Token", token.reveal());
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonObject json(HttpResponse<String> response) {
    return Json.parse(response.body()).asObject();
  }

  static String csr(KeyPair key, String commonName, String... altNames) throws Exception {
    var builder = new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder(
        new javax.security.auth.x500.X500Principal("CN=" + commonName), key.getPublic());
    if (altNames.length > 0) {
      var extensions = new org.bouncycastle.asn1.x509.ExtensionsGenerator();
      extensions.addExtension(org.bouncycastle.asn1.x509.Extension.subjectAlternativeName, false,
          new org.bouncycastle.asn1.x509.GeneralNames(java.util.Arrays.stream(altNames)
              .map(n -> new org.bouncycastle.asn1.x509.GeneralName(
                  org.bouncycastle.asn1.x509.GeneralName.dNSName, n))
              .toArray(org.bouncycastle.asn1.x509.GeneralName[]::new)));
      builder.addAttribute(
          org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.pkcs_9_at_extensionRequest,
          extensions.generate());
    }
    String algorithm = key.getPublic().getAlgorithm().equals("EC") ? "SHA256withECDSA"
        : "SHA256withRSA";
    return FakeCa.pem(builder.build(
        new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder(algorithm)
            .build(key.getPrivate())));
  }

  HttpResponse<String> sign(Secret token, String path, KeyPair key, String commonName,
      String ttl, String... altNames) throws Exception {
    JsonObject body = Json.object().add("csr", csr(key, commonName, altNames))
        .add("common_name", commonName);
    if (ttl != null) {
      body.add("ttl", ttl);
    }
    return send("POST", path, token, body.toString());
  }

  static String errors(HttpResponse<String> response) {
    return json(response).get("errors").toString();
  }
}
