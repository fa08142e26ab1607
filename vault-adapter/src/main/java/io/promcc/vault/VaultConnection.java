package io.promcc.vault;

import static java.util.Objects.requireNonNull;

import io.github.jopenlibs.vault.EnvironmentLoader;
import io.github.jopenlibs.vault.SslConfig;
import io.github.jopenlibs.vault.Vault;
import io.github.jopenlibs.vault.VaultConfig;
import io.github.jopenlibs.vault.VaultException;
import io.github.jopenlibs.vault.json.Json;
import io.github.jopenlibs.vault.json.JsonValue;
import io.github.jopenlibs.vault.response.LogicalResponse;
import io.promcc.core.model.InvalidValueException;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.Secret;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * The HTTP side of Vault: one shared {@link HttpClient} (TLS verification on, optionally with a
 * custom CA bundle) under the Vault driver, the namespace header, timeouts, and the translation
 * of the driver's errors into {@link VaultRequestException}s.
 *
 * <p>Why a shared client: the driver builds a new {@code HttpClient} per request unless one is
 * configured, which costs a TLS handshake and a thread pool per call. Why the driver is told to
 * ignore the environment: its config otherwise reads {@code VAULT_TOKEN}, {@code ~/.vault-token}
 * and {@code VAULT_SSL_VERIFY} behind our back, and the last one could switch verification off.
 *
 * <p>Thread-safe: a driver instance is made per call with the token of that call.
 */
public final class VaultConnection {
  /** An environment with nothing in it, so the driver reads only what we configure. */
  private static final EnvironmentLoader NO_ENVIRONMENT = new EnvironmentLoader() {
    private static final long serialVersionUID = 1L;

    @Override
    public String loadVariable(String name) {
      return null;
    }
  };

  private final String address;
  private final String namespace;
  private final HttpClient httpClient;
  private final int timeoutSeconds;
  private final SslConfig sslConfig;
  // The driver logs an INFO line per instance when a namespace is set, and instances are
  // immutable per token: reuse the last one for logins and for the current token.
  private volatile Vault anonymous;
  private volatile Bound lastBound;

  private record Bound(Secret token, Vault vault) {}

  VaultConnection(String address, String namespace, HttpClient httpClient, Duration timeout) {
    this.address = stripTrailingSlash(requireNonNull(address, "address == null"));
    this.namespace = namespace;
    this.httpClient = requireNonNull(httpClient, "httpClient == null");
    this.timeoutSeconds = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toSeconds()));
    try {
      // Unused for requests (the shared HttpClient carries the TLS setup) but the driver reads
      // isVerify() from it; it must say true.
      this.sslConfig = new SslConfig() {
        private static final long serialVersionUID = 1L;

        {
          // protected in the driver; only a subclass may keep it from reading VAULT_SSL_*
          environmentLoader(NO_ENVIRONMENT);
        }
      }.verify(true).build();
    } catch (VaultException e) {
      throw new IllegalStateException("cannot set up the vault driver's tls config", e);
    }
  }

  /**
   * Connects as {@code settings} say: reads the CA bundle if one is configured.
   *
   * @throws InvalidValueException if the CA bundle cannot be read or holds no certificate
   */
  public static VaultConnection create(VaultSettings settings) {
    HttpClient.Builder client = HttpClient.newBuilder()
        // Vault Agent fails to proxy h2c; the driver also sticks to HTTP/1.1
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(settings.requestTimeout());
    settings.caBundle().ifPresent(path -> {
      String pem;
      try {
        pem = Files.readString(path, StandardCharsets.US_ASCII);
      } catch (IOException e) {
        throw new InvalidValueException("vault ca bundle", path.toString(),
            "cannot be read (" + e.getClass().getSimpleName() + ")");
      }
      client.sslContext(trusting(pem, path.toString()));
    });
    return new VaultConnection(settings.address().toString(), settings.namespace().orElse(null),
        client.build(), settings.requestTimeout());
  }

  /**
   * An SSL context that trusts exactly the certificates in {@code pem}.
   *
   * @throws InvalidValueException naming {@code source} if there is no certificate in it
   */
  static SSLContext trusting(String pem, String source) {
    try {
      Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
      if (certificates.isEmpty()) {
        throw new InvalidValueException("vault ca bundle", source, "holds no certificate");
      }
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      int i = 0;
      for (Certificate certificate : certificates) {
        trust.setCertificateEntry("ca-" + i++, certificate);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new InvalidValueException("vault ca bundle", source,
          "is invalid (" + e.getMessage() + ")");
    }
  }

  /** Vault's base URL, without a trailing slash. */
  public String address() {
    return address;
  }

  /** A driver bound to {@code token} ({@code null} for logins) and this connection. */
  Vault vault(Secret token) {
    if (token == null) {
      Vault v = anonymous;
      if (v == null) {
        anonymous = v = newVault(null);
      }
      return v;
    }
    Bound bound = lastBound;
    if (bound == null || !bound.token().equals(token)) {
      lastBound = bound = new Bound(token, newVault(token));
    }
    return bound.vault();
  }

  private Vault newVault(Secret token) {
    try {
      VaultConfig config = new VaultConfig()
          .environmentLoader(NO_ENVIRONMENT)
          .address(address)
          .httpClient(httpClient)
          .sslConfig(sslConfig)
          .openTimeout(timeoutSeconds)
          .readTimeout(timeoutSeconds);
      if (token != null) {
        config.token(token.reveal());
      }
      if (namespace != null) {
        config.nameSpace(namespace);
      }
      // KV engine version 1: the driver then sends logical paths unchanged (version 2 would
      // insert "data/" into PKI paths)
      return Vault.create(config.build(), 1);
    } catch (VaultException e) {
      throw new IllegalStateException("cannot configure the vault driver", e);
    }
  }

  /** A driver call that may fail. */
  @FunctionalInterface
  interface Call<T> {
    T run() throws VaultException;
  }

  /**
   * Runs {@code call}; a failure becomes a {@link VaultRequestException} whose message starts
   * with {@code operation} (e.g. {@code POST auth/kubernetes/login}).
   */
  <T> T call(String operation, Call<T> call) {
    try {
      return call.run();
    } catch (VaultException e) {
      throw translate(operation, e);
    } catch (RuntimeException e) {
      // the driver's response parsers throw NullPointerException & co. on unexpected JSON
      throw new VaultRequestException(VaultFailure.INVALID_RESPONSE, 0, List.of(),
          "unexpected answer from vault at " + address + " to " + operation + ": "
              + e.getClass().getSimpleName(), null);
    }
  }

  /**
   * A logical write (the driver's generic API, for endpoints it has no method for); 4xx, which
   * the driver returns rather than throws, become exceptions too.
   */
  LogicalResponse write(Secret token, String path, Map<String, Object> body) {
    String operation = "POST " + path;
    LogicalResponse response = call(operation, () -> vault(token).logical().write(path, body));
    int status = response.getRestResponse().getStatus();
    if (status != 200) {
      throw failure(operation, status, new String(response.getRestResponse().getBody(),
          StandardCharsets.UTF_8));
    }
    return response;
  }

  private VaultRequestException translate(String operation, VaultException e) {
    int status = e.getHttpStatusCode();
    if (status > 0) {
      String message = e.getMessage() == null ? "" : e.getMessage();
      int at = message.indexOf("Response body: ");
      String body = at < 0 ? "" : message.substring(at + "Response body: ".length());
      if (status >= 200 && status < 300) {
        return new VaultRequestException(VaultFailure.INVALID_RESPONSE, status, List.of(),
            "unexpected answer from vault at " + address + " to " + operation + " (status "
                + status + ")", null);
      }
      return failure(operation, status, body);
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SSLException) {
        return new VaultRequestException(VaultFailure.TLS, 0, List.of(),
            "tls handshake with vault at " + address + " failed for " + operation + ": "
                + t.getMessage(), null);
      }
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    // No cause is attached: the driver's exceptions quote response bodies, which we don't
    // want in logs unfiltered.
    return new VaultRequestException(VaultFailure.UNREACHABLE, 0, List.of(),
        "cannot reach vault at " + address + " for " + operation + ": "
            + root.getClass().getSimpleName()
            + (root.getMessage() == null ? "" : " " + root.getMessage()), null);
  }

  private VaultRequestException failure(String operation, int status, String body) {
    List<String> errors = errors(body);
    VaultFailure failure = VaultFailure.ofStatus(status, errors);
    String detail = errors.isEmpty() ? "" : ": " + String.join("; ",
        errors.stream().map(VaultConnection::quoteError).toList());
    String hint = failure.hint().isEmpty() ? "" : "; " + failure.hint();
    return new VaultRequestException(failure, status, errors,
        "vault at " + address + " answered " + operation + " with status " + status + " ("
            + failure.reason() + ")" + detail + hint, null);
  }

  /**
   * One of Vault's error strings in quotes, escaped as {@link Quoting} does, but elided only past
   * 600 characters: Vault's PKI errors carry the facts at their end (e.g. the CA's expiry).
   */
  static String quoteError(String error) {
    StringBuilder out = new StringBuilder("\"");
    int end = Math.min(error.length(), 600);
    int i = 0;
    while (i < end) {
      int next = Math.min(end, i + 100);
      if (next < error.length() && Character.isHighSurrogate(error.charAt(next - 1))) {
        next--; // never split a surrogate pair between two pieces
      }
      String quoted = Quoting.quote(error.substring(i, next));
      out.append(quoted, 1, quoted.length() - 1);
      i = next;
    }
    if (end < error.length()) {
      out.append("...(").append(error.length()).append(" chars)");
    }
    return out.append('"').toString();
  }

  /** Vault's {@code {"errors":[...]}}; empty if the body is not that shape. */
  static List<String> errors(String body) {
    List<String> out = new ArrayList<>();
    try {
      JsonValue errors = Json.parse(body).asObject().get("errors");
      if (errors != null && errors.isArray()) {
        for (JsonValue error : errors.asArray()) {
          out.add(error.isString() ? error.asString() : error.toString());
        }
      }
    } catch (RuntimeException notJson) {
      // not Vault's error shape; the status alone has to do
    }
    return out;
  }

  private static String stripTrailingSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  @Override
  public String toString() {
    return "VaultConnection{" + address + (namespace == null ? "" : ", namespace=" + namespace) + "}";
  }
}
