package io.promcc.vault.fake;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.core.model.Secret;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The fake's PKI engine, as Vault's (builtin/logical/pki): what it signs and refuses. */
class FakeVaultPkiTest extends FakeVaultOverHttp {
  /**
   * Vault checks a host name's labels (at most 63 characters each), not RFC 5280's 64-character
   * bound of a common name, which Go's x509 does not enforce: a longer name is signed, not a
   * dropped connection (a client would take that for an unreachable Vault).
   */
  @Test
  void aCommonNameLongerThan64CharactersIsSigned() throws Exception {
    Secret token = vault.createRootToken();
    vault.pkiRole("pki", "web").keyType("ec").forClientCertificatesBelow("k8s.example");
    String commonName = "prometheus." + "a".repeat(50) + ".k8s.example"; // 73 characters

    HttpResponse<String> signed = sign(token, "pki/sign/web", FakeCa.ecKeyPair(), commonName,
        null);

    assertEquals(200, signed.statusCode(), signed.body());
    assertEquals("CN=" + commonName, io.promcc.core.model.CertificateBundle.parseCertificate(
        json(signed).get("data").asObject().get("certificate").asString(), "certificate")
        .getSubjectX500Principal().getName());
  }

  @Test
  void aDefaultRoleSignsOnlyRsaKeysAndRefusesAnEcCsrAsVaultDoes() throws Exception {
    Secret token = vault.createRootToken();
    vault.pkiRole("pki", "web").allowAnyName(true); // key_type left at its default, rsa

    HttpResponse<String> ec = sign(token, "pki/sign/web", FakeCa.ecKeyPair(), "a.example", null);
    assertEquals(400, ec.statusCode());
    assertEquals("{\"errors\":[\"role requires keys of type rsa\"]}", ec.body());
    assertEquals(200, sign(token, "pki/sign/web", FakeCa.rsaKeyPair(2048), "a.example", null)
        .statusCode());

    vault.pkiRole("pki", "web").keyType("ec");
    assertEquals("[\"role requires keys of type ec\"]",
        errors(sign(token, "pki/sign/web", FakeCa.rsaKeyPair(2048), "a.example", null)));
    assertEquals(200, sign(token, "pki/sign/web", FakeCa.ecKeyPair(), "a.example", null)
        .statusCode());

    vault.pkiRole("pki", "web").keyType("any");
    assertEquals(200, sign(token, "pki/sign/web", FakeCa.ecKeyPair(), "a.example", null)
        .statusCode());
    assertEquals(200, sign(token, "pki/sign/web", FakeCa.rsaKeyPair(2048), "a.example", null)
        .statusCode());
    HttpResponse<String> issueAny = send("POST", "pki/issue/web", token,
        "{\"common_name\":\"a.example\"}");
    assertEquals(400, issueAny.statusCode());
    assertEquals("[\"role key type \\\"any\\\" not allowed for issuing certificates, "
        + "only signing\"]",
        errors(issueAny));
  }

  @Test
  void roleNameRulesDecideWhichCommonAndAltNamesAreSigned() throws Exception {
    Secret token = vault.createRootToken();
    KeyPair key = FakeCa.ecKeyPair();
    PkiRole role = vault.pkiRole("pki", "web").keyType("ec");

    // a role without allowed names signs nothing but localhost
    assertEquals("[\"common name p.k8s.example not allowed by this role\"]",
        errors(sign(token, "pki/sign/web", key, "p.k8s.example", null)));
    assertEquals(200, sign(token, "pki/sign/web", key, "localhost", null).statusCode());

    role.allowedDomains("k8s.example");
    assertEquals("[\"common name p.k8s.example not allowed by this role\"]",
        errors(sign(token, "pki/sign/web", key, "p.k8s.example", null)));
    assertEquals("[\"common name k8s.example not allowed by this role\"]",
        errors(sign(token, "pki/sign/web", key, "k8s.example", null)));

    role.allowSubdomains(true);
    assertEquals(200, sign(token, "pki/sign/web", key, "p.k8s.example", null).statusCode());
    assertEquals(200, sign(token, "pki/sign/web", key, "a.b.k8s.example", null).statusCode());
    assertEquals("[\"common name k8s.example not allowed by this role\"]",
        errors(sign(token, "pki/sign/web", key, "k8s.example", null)));
    assertEquals("[\"common name p.other.example not allowed by this role\"]",
        errors(sign(token, "pki/sign/web", key, "p.other.example", null)));
    // the CSR's alt names are checked too (use_csr_sans)
    assertEquals("[\"subject alternate name api.other.example not allowed by this role\"]",
        errors(sign(token, "pki/sign/web", key, "p.k8s.example", null, "api.other.example")));
    assertEquals(200, sign(token, "pki/sign/web", key, "p.k8s.example", null, "api.k8s.example")
        .statusCode());

    role.allowBareDomains(true);
    assertEquals(200, sign(token, "pki/sign/web", key, "k8s.example", null).statusCode());

    role.allowedDomains().allowAnyName(true);
    assertEquals(200, sign(token, "pki/sign/web", key, "p.other.example", null).statusCode());
    assertEquals("[\"common name bad_name.example not allowed by this role\"]",
        errors(sign(token, "pki/sign/web", key, "bad_name.example", null)));

    // issue checks the request's alt names
    vault.pkiRole("pki", "issuer").keyType("ec").allowedDomains("k8s.example")
        .allowSubdomains(true);
    HttpResponse<String> issued = send("POST", "pki/issue/issuer", token,
        "{\"common_name\":\"p.k8s.example\",\"alt_names\":\"x.other.example\"}");
    assertEquals(400, issued.statusCode());
    assertEquals("[\"subject alternate name x.other.example not allowed by this role\"]",
        errors(issued));
  }

  @Test
  void aLeafThatWouldOutliveItsCaIsRefusedUnlessTheIssuerTruncatesOrPermitsIt()
      throws Exception {
    Secret token = vault.createRootToken();
    FakeCa ca = vault.pkiMount("pki", Duration.ofDays(100));
    vault.pkiRole("pki", "web").keyType("ec").allowAnyName(true);
    Instant caEnd = ca.certificate().getNotAfter().toInstant();
    clock.advance(Duration.ofDays(95));
    KeyPair key = FakeCa.ecKeyPair();

    HttpResponse<String> refused = sign(token, "pki/sign/web", key, "a.example", "168h");
    assertEquals(400, refused.statusCode());
    assertEquals("[\"cannot satisfy request, as TTL would result in notAfter of "
        + clock.instant().plus(Duration.ofHours(168)) + " that is beyond the expiration of the CA "
        + "certificate at " + caEnd + "\"]", errors(refused));
    assertEquals(200, sign(token, "pki/sign/web", key, "a.example", "24h").statusCode());

    vault.leafNotAfterBehavior("pki", "truncate");
    HttpResponse<String> truncated = sign(token, "pki/sign/web", key, "a.example", "168h");
    assertEquals(caEnd.getEpochSecond(),
        json(truncated).get("data").asObject().getLong("expiration", 0));

    vault.leafNotAfterBehavior("pki", "permit");
    HttpResponse<String> permitted = sign(token, "pki/sign/web", key, "a.example", "168h");
    assertEquals(clock.instant().plus(Duration.ofHours(168)).getEpochSecond(),
        json(permitted).get("data").asObject().getLong("expiration", 0));

    // truncating to a CA that has already expired leaves nothing to sign
    clock.advance(Duration.ofDays(6));
    vault.leafNotAfterBehavior("pki", "truncate");
    assertEquals("[\"notAfter before notBefore\"]",
        errors(sign(token, "pki/sign/web", key, "a.example", "168h")));
  }

  @Test
  void goTimeFormatHasNoTrailingZerosInItsFraction() {
    assertEquals("2030-01-02T03:04:05Z",
        FakePki.goRfc3339Nano(Instant.parse("2030-01-02T03:04:05Z")));
    assertEquals("2030-01-02T03:04:05.12Z",
        FakePki.goRfc3339Nano(Instant.parse("2030-01-02T03:04:05.120Z")));
  }
}
