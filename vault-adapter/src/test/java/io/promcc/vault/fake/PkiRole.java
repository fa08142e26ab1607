package io.promcc.vault.fake;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * A PKI role of the fake, with the defaults of Vault's {@code pki/roles/<name>}: {@code key_type}
 * {@code rsa} (2048 bits), no {@code allowed_domains}, {@code allow_subdomains},
 * {@code allow_bare_domains} and {@code allow_any_name} false, {@code allow_localhost} and
 * {@code enforce_hostnames} true, {@code use_csr_common_name} and {@code use_csr_sans} true. A
 * role created with the defaults therefore signs nothing but {@code localhost}, as in Vault: give
 * it the names it may sign, as an operator would.
 *
 * <p>Mutable so that tests can change a role while the fake runs; thread-safe.
 */
public final class PkiRole {
  private volatile String keyType = "rsa";
  private volatile int rsaKeyBits = 2048;
  private volatile List<String> allowedDomains = List.of();
  private volatile boolean allowSubdomains;
  private volatile boolean allowBareDomains;
  private volatile boolean allowAnyName;
  private volatile boolean allowLocalhost = true;
  private volatile boolean enforceHostnames = true;
  private volatile Duration maxTtl = Duration.ofHours(768);
  private volatile Duration ttl = Duration.ofHours(768);

  PkiRole() {}

  /**
   * The role's {@code key_type}: {@code rsa} (default), {@code ec} or {@code any}. Sign accepts
   * only CSRs with keys of that type ({@code any}: every type); issue makes a key of that type
   * ({@code any} is refused for issue, as in Vault).
   */
  public PkiRole keyType(String value) {
    if (!List.of("rsa", "ec", "any").contains(value)) {
      throw new IllegalArgumentException("the fake knows key types rsa, ec and any: " + value);
    }
    keyType = value;
    return this;
  }

  /**
   * {@code key_bits} of an {@code rsa} role: the least modulus a CSR's RSA key may have (Vault's
   * default 2048; 3072 and 4096 are the other sizes Vault takes).
   */
  public PkiRole keyBits(int value) {
    if (!List.of(2048, 3072, 4096).contains(value)) {
      throw new IllegalArgumentException("the fake knows rsa key_bits 2048, 3072 and 4096: "
          + value);
    }
    rsaKeyBits = value;
    return this;
  }

  /** {@code allowed_domains}: names the role may sign, with the flags below. */
  public PkiRole allowedDomains(String... domains) {
    allowedDomains = List.of(domains);
    return this;
  }

  /** {@code allow_subdomains}: names below an allowed domain (default false). */
  public PkiRole allowSubdomains(boolean value) {
    allowSubdomains = value;
    return this;
  }

  /** {@code allow_bare_domains}: an allowed domain itself (default false). */
  public PkiRole allowBareDomains(boolean value) {
    allowBareDomains = value;
    return this;
  }

  /** {@code allow_any_name}: every name that passes {@code enforce_hostnames} (default false). */
  public PkiRole allowAnyName(boolean value) {
    allowAnyName = value;
    return this;
  }

  /** {@code allow_localhost} (default true). */
  public PkiRole allowLocalhost(boolean value) {
    allowLocalhost = value;
    return this;
  }

  /** {@code enforce_hostnames}: names must be valid host names (default true). */
  public PkiRole enforceHostnames(boolean value) {
    enforceHostnames = value;
    return this;
  }

  /** The role's {@code max_ttl} (default 768h); longer requests are capped. */
  public PkiRole maxTtl(Duration value) {
    maxTtl = requireNonNull(value, "value == null");
    return this;
  }

  /** The role's {@code ttl}, used when a request has none (default 768h). */
  public PkiRole defaultTtl(Duration value) {
    ttl = requireNonNull(value, "value == null");
    return this;
  }

  /**
   * What an operator creates for the controller's client certificates: EC keys (the default of
   * sign mode), names below {@code domain}.
   */
  public PkiRole forClientCertificatesBelow(String domain) {
    return keyType("ec").allowedDomains(domain).allowSubdomains(true);
  }

  String keyType() {
    return keyType;
  }

  int rsaKeyBits() {
    return rsaKeyBits;
  }

  Duration maxTtl() {
    return maxTtl;
  }

  Duration ttl() {
    return ttl;
  }

  /**
   * The first of {@code names} the role does not allow, or {@code null}: Vault's
   * {@code ValidateNames} for DNS names (localhost, allowed domains with the bare, subdomain
   * and any-name flags, wildcards in the left-most label, host name syntax). Glob domains,
   * e-mail addresses and templated domains are not modelled.
   */
  String firstNameNotAllowed(List<String> names) {
    for (String name : names) {
      if (!allowed(name)) {
        return name;
      }
    }
    return null;
  }

  private boolean allowed(String name) {
    String reduced = name;
    boolean wildcard = name.contains("*");
    if (name.contains("@")) {
      return allowAnyName; // e-mail names are not modelled beyond allow_any_name
    }
    if (wildcard) {
      if (name.chars().filter(c -> c == '*').count() > 1) {
        return false;
      }
      int dot = name.indexOf('.');
      reduced = dot < 0 ? "" : name.substring(dot + 1);
      if (reduced.contains("*")) {
        return false;
      }
    }
    if (enforceHostnames && !reduced.isEmpty() && !HOSTNAME.matcher(reduced).matches()) {
      return false;
    }
    if (allowAnyName) {
      return true;
    }
    if (allowLocalhost) {
      if (reduced.equals("localhost") || reduced.equals("localdomain")) {
        return true;
      }
      if (allowSubdomains && (reduced.endsWith(".localhost") || reduced.endsWith(".localdomain"))) {
        return true;
      }
    }
    for (String domain : allowedDomains) {
      if (domain.isEmpty()) {
        continue;
      }
      if (allowBareDomains && name.equalsIgnoreCase(domain)) {
        return true;
      }
      if (allowSubdomains && (reduced.endsWith("." + domain)
          || (wildcard && reduced.equalsIgnoreCase(domain)))) {
        return true;
      }
    }
    return false;
  }

  private static final java.util.regex.Pattern HOSTNAME = java.util.regex.Pattern.compile(
      "(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\\-]*[a-zA-Z0-9])\\.)*"
          + "([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\\-]*[a-zA-Z0-9])\\.?");

  @Override
  public String toString() {
    return "PkiRole{key_type=" + keyType + ", allowed_domains=" + allowedDomains
        + ", allow_subdomains=" + allowSubdomains + ", allow_bare_domains=" + allowBareDomains
        + ", allow_any_name=" + allowAnyName + "}";
  }
}
