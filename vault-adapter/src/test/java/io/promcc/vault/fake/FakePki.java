package io.promcc.vault.fake;

import static io.promcc.vault.fake.FakeResponse.error;

import io.github.jopenlibs.vault.json.Json;
import io.github.jopenlibs.vault.json.JsonObject;
import io.github.jopenlibs.vault.json.JsonValue;
import io.promcc.core.model.CertificateBundle;
import java.io.IOException;
import java.io.StringReader;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * The fake's PKI secrets engine: one issuer (an in-memory CA) per mount, roles, and
 * {@code sign/<role>} and {@code issue/<role>} with the checks and error texts of Vault's PKI
 * backend ({@code builtin/logical/pki}): the role's key type, its name rules, its max TTL, and
 * the issuer's {@code leaf_not_after_behavior}. Thread-safe.
 */
final class FakePki {
  /** Vault backdates certificates by this much (its {@code not_before_duration} default). */
  static final Duration NOT_BEFORE_BACKDATE = FakeVault.NOT_BEFORE_BACKDATE;

  private static final DateTimeFormatter GO_RFC3339 =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

  private final Clock clock;
  private final Map<String, Mount> mounts = new ConcurrentHashMap<>();

  /** A PKI mount: its default issuer and its roles. */
  static final class Mount {
    final FakeCa ca;
    final Map<String, PkiRole> roles = new ConcurrentHashMap<>();
    volatile String leafNotAfterBehavior = "err";

    Mount(FakeCa ca) {
      this.ca = ca;
    }
  }

  FakePki(Clock clock) {
    this.clock = clock;
  }

  Mount mount(String name, Duration caLifetime) {
    return mounts.computeIfAbsent(name,
        m -> new Mount(FakeCa.create(m + " ca", clock.instant(), caLifetime)));
  }

  Mount existing(String name) {
    return mounts.get(name);
  }

  int size() {
    return mounts.size();
  }

  /** {@code sign} or {@code issue} on {@code mount} with {@code roleName}. */
  FakeResponse handle(Mount mount, String operation, String roleName, JsonObject request) {
    PkiRole role = mount.roles.get(roleName);
    if (role == null) {
      return error(400, List.of("unknown role: " + roleName));
    }
    if (operation.equals("issue")) {
      if (role.keyType().equals("any")) {
        return error(400,
            List.of("role key type \"any\" not allowed for issuing certificates, only signing"));
      }
      return issue(mount, role, request);
    }
    return sign(mount, role, request);
  }

  private FakeResponse sign(Mount mount, PkiRole role, JsonObject request) {
    String csrPem = string(request, "csr");
    if (csrPem == null) {
      return error(400, List.of("\"csr\" is empty"));
    }
    JcaPKCS10CertificationRequest csr;
    PublicKey publicKey;
    try (PEMParser parser = new PEMParser(new StringReader(csrPem))) {
      Object parsed = parser.readObject();
      if (!(parsed instanceof PKCS10CertificationRequest request10)) {
        return error(400, List.of("certificate request could not be parsed"));
      }
      csr = new JcaPKCS10CertificationRequest(request10);
      publicKey = csr.getPublicKey();
      if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(publicKey))) {
        return error(400, List.of("request signature invalid"));
      }
    } catch (Exception e) {
      return error(400, List.of("certificate request could not be parsed"));
    }
    // SignCert: the CSR's key must be of the role's key type
    String actual = publicKey.getAlgorithm().startsWith("EC") ? "ec"
        : publicKey.getAlgorithm().equals("RSA") ? "rsa" : "unknown";
    if (!role.keyType().equals("any") && !role.keyType().equals(actual)) {
      return error(400, List.of("role requires keys of type " + role.keyType()));
    }
    if (actual.equals("rsa")) {
      int bits = ((RSAPublicKey) publicKey).getModulus().bitLength();
      int minimum = role.keyType().equals("rsa") ? role.rsaKeyBits() : 2048;
      if (bits < minimum) {
        return error(400, List.of("role requires a minimum of a " + minimum
            + "-bit key, but CSR's key is " + bits + " bits"));
      }
    }
    // use_csr_common_name and use_csr_sans default to true: the CSR's names win over the
    // request's common_name and alt_names
    String commonName = csrCommonName(csr);
    if (commonName == null) {
      commonName = string(request, "common_name");
    }
    List<String> dnsNames = new ArrayList<>(csrDnsNames(csr));
    return certificate(mount, role, request, commonName, dnsNames, publicKey, null);
  }

  private FakeResponse issue(Mount mount, PkiRole role, JsonObject request) {
    String commonName = string(request, "common_name");
    List<String> dnsNames = new ArrayList<>();
    String alt = string(request, "alt_names");
    if (alt != null) {
      // strutil.ParseDedupAndSortStrings
      for (String name : new TreeSet<>(List.of(alt.split(",")))) {
        String n = name.strip();
        if (n.isEmpty()) {
          continue;
        }
        if (!n.matches("[A-Za-z0-9*.\\-]+")) {
          return error(400, List.of("subject alternate name " + n
              + " is not a valid DNS name and cannot be included as a SAN"));
        }
        dnsNames.add(n);
      }
    }
    KeyPair key = role.keyType().equals("rsa") ? FakeCa.rsaKeyPair(2048) : FakeCa.ecKeyPair();
    return certificate(mount, role, request, commonName, dnsNames, key.getPublic(), key);
  }

  /** GenerateCreationBundle and GetCertificateNotAfter, then the signature. */
  private FakeResponse certificate(Mount mount, PkiRole role, JsonObject request,
      String commonName, List<String> requestedNames, PublicKey publicKey, KeyPair generated) {
    if (commonName == null || commonName.isBlank()) {
      return error(400, List.of("the common_name field is required, or must be provided in a CSR "
          + "with \"use_csr_common_name\" set to true, unless \"require_cn\" is set to false"));
    }
    List<String> dnsNames = new ArrayList<>(requestedNames);
    if (!dnsNames.contains(commonName)) {
      // a host-name common name is also a DNS SAN (exclude_cn_from_sans is false)
      dnsNames.add(0, commonName);
    }
    if (role.firstNameNotAllowed(List.of(commonName)) != null) {
      return error(400, List.of("common name " + commonName + " not allowed by this role"));
    }
    String badName = role.firstNameNotAllowed(dnsNames);
    if (badName != null) {
      return error(400, List.of("subject alternate name " + badName + " not allowed by this role"));
    }
    Duration ttl;
    try {
      String requested = string(request, "ttl");
      ttl = requested == null ? Duration.ZERO : parseDuration(requested);
    } catch (IllegalArgumentException e) {
      return error(400, List.of("error converting input ttl: " + e.getMessage()));
    }
    if (ttl.isZero()) {
      ttl = role.ttl();
    }
    if (ttl.compareTo(role.maxTtl()) > 0) {
      ttl = role.maxTtl(); // capped with a warning, not refused
    }
    Instant now = clock.instant();
    Instant notAfter = now.plus(ttl);
    Instant caNotAfter = mount.ca.certificate().getNotAfter().toInstant();
    if (notAfter.isAfter(caNotAfter)) {
      switch (mount.leafNotAfterBehavior) {
        case "permit" -> { }
        case "truncate" -> notAfter = caNotAfter;
        default -> {
          return error(400, List.of("cannot satisfy request, as TTL would result in notAfter of "
              + goRfc3339Nano(notAfter) + " that is beyond the expiration of the CA certificate at "
              + goRfc3339Nano(caNotAfter)));
        }
      }
    }
    Instant notBefore = now.minus(NOT_BEFORE_BACKDATE);
    if (notAfter.isBefore(notBefore)) {
      return error(400, List.of("notAfter before notBefore"));
    }
    X509Certificate certificate = mount.ca.issue(publicKey, commonName, dnsNames, List.of(),
        notBefore, notAfter);
    JsonObject data = Json.object()
        .add("ca_chain", Json.array(mount.ca.pem()))
        .add("certificate", FakeCa.pem(certificate))
        .add("expiration", notAfter.getEpochSecond())
        .add("issuing_ca", mount.ca.pem())
        .add("serial_number", CertificateBundle.formatSerial(certificate.getSerialNumber()));
    if (generated != null) {
      boolean pkcs8 = "pkcs8".equals(string(request, "private_key_format"));
      Object key;
      try {
        key = pkcs8 ? new JcaPKCS8Generator(generated.getPrivate(), null).generate()
            : generated.getPrivate();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      data.add("private_key", FakeCa.pem(key))
          .add("private_key_type",
              generated.getPrivate().getAlgorithm().equals("EC") ? "ec" : "rsa");
    }
    return FakeResponse.ok(FakeVault.envelope().set("data", data));
  }

  /** Go's {@code time.RFC3339Nano} in UTC: fractional seconds without trailing zeros. */
  static String goRfc3339Nano(Instant instant) {
    StringBuilder text = new StringBuilder(GO_RFC3339.format(instant));
    int nanos = instant.getNano();
    if (nanos != 0) {
      String fraction = String.format("%09d", nanos).replaceFirst("0+$", "");
      text.append('.').append(fraction);
    }
    return text.append('Z').toString();
  }

  static String string(JsonObject object, String name) {
    JsonValue value = object.get(name);
    if (value == null || value.isNull()) {
      return null;
    }
    return value.isString() ? value.asString() : value.toString();
  }

  private static String csrCommonName(JcaPKCS10CertificationRequest csr) {
    RDN[] cns = csr.getSubject().getRDNs(BCStyle.CN);
    return cns.length == 0 ? null : IETFUtils.valueToString(cns[0].getFirst().getValue());
  }

  private static List<String> csrDnsNames(JcaPKCS10CertificationRequest csr) {
    List<String> names = new ArrayList<>();
    for (Attribute attribute
        : csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
      Extensions extensions = Extensions.getInstance(attribute.getAttrValues().getObjectAt(0));
      GeneralNames sans = GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName);
      if (sans == null) {
        continue;
      }
      for (GeneralName name : sans.getNames()) {
        if (name.getTagNo() == GeneralName.dNSName) {
          names.add(name.getName().toString());
        }
      }
    }
    return names;
  }

  /** Vault's durations: plain seconds, or Go-style {@code 90s}, {@code 15m}, {@code 72h}. */
  static Duration parseDuration(String value) {
    Matcher m = Pattern.compile("(\\d+)([smhd]?)").matcher(value.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("invalid duration " + value);
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "", "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }
}
