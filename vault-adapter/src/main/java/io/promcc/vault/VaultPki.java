package io.promcc.vault;

import static java.util.Objects.requireNonNull;

import io.github.jopenlibs.vault.json.Json;
import io.github.jopenlibs.vault.json.JsonObject;
import io.github.jopenlibs.vault.json.JsonValue;
import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.KeyPairs;
import io.promcc.core.model.PromccException;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.Secret;
import java.io.IOException;
import java.io.StringReader;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * The PKI calls: {@code POST /v1/<mount>/sign/<role>} with a locally made CSR, or
 * {@code POST /v1/<mount>/issue/<role>} asking for a PKCS#8 key. Thread-safe.
 */
final class VaultPki {
  private final VaultSettings settings;
  private final VaultConnection connection;
  private final SecureRandom keyRandom = new SecureRandom();

  VaultPki(VaultSettings settings, VaultConnection connection) {
    this.settings = requireNonNull(settings, "settings == null");
    this.connection = requireNonNull(connection, "connection == null");
  }

  /** The path a certificate for {@code cluster} is asked for, e.g. {@code pki-c1/sign/role-c1}. */
  String path(ClusterId cluster) {
    return settings.pkiMount(cluster) + "/"
        + (settings.mode() == IssueMode.SIGN ? "sign/" : "issue/") + settings.role(cluster);
  }

  /**
   * A new certificate for {@code cluster}.
   *
   * @throws VaultRequestException if Vault refuses or answers with something that is not a
   *     certificate for the requested key
   */
  CertificateBundle obtain(ClusterId cluster, Secret token) {
    String commonName = settings.commonName(cluster);
    List<String> altNames = settings.altNames(cluster);
    JsonObject body = Json.object().add("common_name", commonName);
    if (!altNames.isEmpty()) {
      body.add("alt_names", String.join(",", altNames));
    }
    body.add("ttl", settings.ttl().toSeconds() + "s").add("format", "pem");
    String base = settings.pkiMount(cluster) + "/";
    if (settings.mode() == IssueMode.SIGN) {
      KeyMaterial key = KeyMaterial.generate(settings.keyAlgorithm(), keyRandom);
      body.add("csr", key.csrPem(commonName, altNames));
      String path = base + "sign/" + settings.role(cluster);
      CertificateBundle bundle = bundle(path, data(connection.post(path, token, body)),
          key.privateKeyPem());
      X509Certificate certificate =
          CertificateBundle.parseCertificate(bundle.certificatePem(), "client certificate");
      if (!Arrays.equals(certificate.getPublicKey().getEncoded(),
          key.keyPair().getPublic().getEncoded())) {
        throw invalid(path, "the signed certificate is not for the key in the csr");
      }
      return named(path, commonName, bundle, certificate);
    }
    body.add("private_key_format", "pkcs8");
    String path = base + "issue/" + settings.role(cluster);
    JsonObject data = data(connection.post(path, token, body));
    String key = data == null ? null : string(data, "private_key");
    if (key == null) {
      throw invalid(path, "no private_key in the answer");
    }
    CertificateBundle bundle = bundle(path, data, Secret.of(key));
    X509Certificate certificate =
        CertificateBundle.parseCertificate(bundle.certificatePem(), "client certificate");
    if (!KeyPairs.matches(privateKey(path, bundle.privateKeyPem()), certificate.getPublicKey())) {
      throw invalid(path, "the private key is not the certificate's");
    }
    return named(path, commonName, bundle, certificate);
  }

  /** {@code bundle}, if its certificate is for {@code commonName}, the name asked for. */
  private CertificateBundle named(String path, String commonName, CertificateBundle bundle,
      X509Certificate certificate) {
    Optional<String> named = commonNameOf(certificate);
    if (!named.equals(Optional.of(commonName))) {
      throw invalid(path, "the certificate is for common name "
          + named.map(Quoting::quote).orElse("(none)") + ", not " + Quoting.quote(commonName)
          + ", the name asked for");
    }
    return bundle;
  }

  /** The PKCS#8 key Vault made (never quoted in a message). */
  private PrivateKey privateKey(String path, Secret pem) {
    try (PEMParser parser = new PEMParser(new StringReader(pem.reveal()))) {
      if (parser.readObject() instanceof PrivateKeyInfo info) {
        return new JcaPEMKeyConverter().getPrivateKey(info);
      }
    } catch (IOException | RuntimeException e) {
      // reported below, without the parser's words, which may quote the text
    }
    throw invalid(path, "the private_key is not an unencrypted PKCS#8 key");
  }

  private CertificateBundle bundle(String path, JsonObject data, Secret key) {
    if (data == null) {
      throw invalid(path, "no data in the answer");
    }
    String certificate = string(data, "certificate");
    if (certificate == null) {
      throw invalid(path, "no certificate in the answer");
    }
    List<String> chain = new ArrayList<>();
    JsonValue caChain = data.get("ca_chain");
    if (caChain != null && caChain.isArray()) {
      for (JsonValue ca : caChain.asArray()) {
        if (ca.isString()) {
          chain.add(ca.asString().strip());
        }
      }
    }
    if (chain.isEmpty()) {
      String issuing = string(data, "issuing_ca");
      if (issuing == null) {
        throw invalid(path, "neither ca_chain nor issuing_ca in the answer");
      }
      chain.add(issuing.strip());
    }
    try {
      return CertificateBundle.fromPem(String.join("\n", chain) + "\n",
          certificate.strip() + "\n", key);
    } catch (PromccException e) {
      throw invalid(path, e.getMessage());
    }
  }

  private static JsonObject data(JsonObject answer) {
    JsonValue data = answer.get("data");
    return data != null && data.isObject() ? data.asObject() : null;
  }

  private static String string(JsonObject data, String name) {
    JsonValue value = data.get(name);
    return value != null && value.isString() && !value.asString().isBlank() ? value.asString()
        : null;
  }

  /** The subject's first common name. */
  static Optional<String> commonNameOf(X509Certificate certificate) {
    try {
      LdapName name = new LdapName(
          certificate.getSubjectX500Principal().getName(X500Principal.RFC2253));
      return name.getRdns().stream().filter(rdn -> rdn.getType().equalsIgnoreCase("CN"))
          .map(rdn -> rdn.getValue().toString()).findFirst();
    } catch (InvalidNameException e) {
      return Optional.empty();
    }
  }

  private VaultRequestException invalid(String path, String problem) {
    return new VaultRequestException(VaultFailure.INVALID_RESPONSE, 200, List.of(),
        "unexpected answer from vault at " + connection.address() + " to POST " + path + ": "
            + problem, null);
  }
}
