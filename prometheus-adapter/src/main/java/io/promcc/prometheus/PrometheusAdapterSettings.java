package io.promcc.prometheus;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.Problems;
import io.promcc.core.model.UrlText;
import io.promcc.core.model.ValidationException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How the adapter reaches the shared folder and Prometheus.
 *
 * @param outputDirectory the folder shared with Prometheus; files are written below it
 * @param prometheusUri base URI of Prometheus, e.g. {@code http://127.0.0.1:9090} (a path prefix
 *     such as {@code /prometheus} is kept)
 * @param connectTimeout bound on the TCP connect to Prometheus (default 2 s)
 * @param tlsHandshakeTimeout bound on the TLS handshake with a Prometheus served over https
 *     (default 10 s, as Go's {@code http.Transport}); the JDK's client has one timer for both, so
 *     with https the two bound the connect and the handshake together ({@link
 *     #connectAndHandshakeTimeout})
 * @param requestTimeout bound on every HTTP call except the reload (default 10 s)
 * @param reloadTimeout bound on {@code POST /-/reload}, which answers only once Prometheus has
 *     loaded the config; thousands of jobs take seconds (default 5 min)
 * @param readyTimeout how long an apply waits for Prometheus to become ready (default 5 min)
 * @param authentication credentials for a protected Prometheus (default none)
 * @param caBundle a PEM file of the CAs that verify the certificate of a Prometheus served over
 *     https (its {@code --web.config.file} {@code tls_server_config}) in place of the JVM's trust
 *     store, as read at start (the client reads the file again only after a handshake that it
 *     does not verify, for a CA added to it), for a self-signed or private CA's certificate; its
 *     host name is verified all the same (default none: the JVM's trust store)
 * @param signalPid reload by {@code kill -HUP <pid>} instead of HTTP, for a Prometheus without
 *     {@code --web.enable-lifecycle} in the same PID namespace (default empty: HTTP)
 * @param signalPidFile reload by signal to the PID this file holds, read again before each
 *     signal, so a restarted Prometheus (a new PID) is found (default empty; not together with
 *     {@code signalPid})
 * @param promtool {@code promtool} binary for {@code promtool check config} before writing
 *     (default none: only the adapter's own checks run)
 * @param promtoolTimeout how long {@code promtool check config} may run before it and its child
 *     processes are stopped and the check fails (default 2 min)
 */
public record PrometheusAdapterSettings(
    Path outputDirectory,
    URI prometheusUri,
    Duration connectTimeout,
    Duration tlsHandshakeTimeout,
    Duration requestTimeout,
    Duration reloadTimeout,
    Duration readyTimeout,
    Optional<Authentication> authentication,
    Optional<PrometheusTrust> caBundle,
    OptionalLong signalPid,
    Optional<Path> signalPidFile,
    Optional<Path> promtool,
    Duration promtoolTimeout) {

  /**
   * @throws ValidationException listing every bad setting: a URI that is not absolute http(s) or
   *     that carries credentials (they belong in {@code authentication}, where they are never
   *     printed), a timeout that is not positive, a PID of 1 or less, a PID and a PID file
   */
  public PrometheusAdapterSettings {
    requireNonNull(outputDirectory, "outputDirectory == null");
    requireNonNull(prometheusUri, "prometheusUri == null");
    requireNonNull(authentication, "authentication == null");
    requireNonNull(caBundle, "caBundle == null");
    requireNonNull(signalPid, "signalPid == null");
    requireNonNull(signalPidFile, "signalPidFile == null");
    requireNonNull(promtool, "promtool == null");
    Problems problems = new Problems("prometheus settings");
    String scheme = prometheusUri.getScheme();
    String shown = UrlText.withoutUserInfo(prometheusUri.toString());
    if (!shown.equals(prometheusUri.toString())) {
      problems.add("prometheus url", shown,
          "must not carry a user or password; configure basic auth or a bearer token instead");
    } else if (!("http".equals(scheme) || "https".equals(scheme))
        || prometheusUri.getHost() == null) {
      problems.add("prometheus url", prometheusUri.toString(),
          "must be an absolute http or https url");
    }
    requirePositive(problems, connectTimeout, "connect timeout");
    requirePositive(problems, tlsHandshakeTimeout, "tls handshake timeout");
    requirePositive(problems, requestTimeout, "request timeout");
    requirePositive(problems, reloadTimeout, "reload timeout");
    requirePositive(problems, readyTimeout, "ready timeout");
    requirePositive(problems, promtoolTimeout, "promtool timeout");
    if (signalPid.isPresent() && signalPid.getAsLong() <= 1) {
      problems.add("prometheus pid", Long.toString(signalPid.getAsLong()),
          "must be greater than 1");
    }
    if (signalPid.isPresent() && signalPidFile.isPresent()) {
      problems.add("prometheus pid file", signalPidFile.get().toString(),
          "must not be set together with a prometheus pid");
    }
    problems.throwIfAny();
  }

  private static void requirePositive(Problems problems, Duration d, String what) {
    if (d == null || d.isNegative() || d.isZero()) {
      problems.add(what, String.valueOf(d), "must be positive");
    }
  }

  /**
   * The bound of a new connection as the JDK's client keeps it, one timer from the connect until
   * the TLS handshake ends: the connect timeout, plus the handshake's with https.
   */
  public Duration connectAndHandshakeTimeout() {
    return "https".equals(prometheusUri.getScheme()) ? connectTimeout.plus(tlsHandshakeTimeout)
        : connectTimeout;
  }

  /** Defaults for everything but the folder and the URI. */
  public static Builder builder(Path outputDirectory, URI prometheusUri) {
    return new Builder(outputDirectory, prometheusUri);
  }

  /** Builds settings; each setter replaces one default. Not thread-safe. */
  public static final class Builder {
    private final Path outputDirectory;
    private final URI prometheusUri;
    private Duration connectTimeout = Duration.ofSeconds(2);
    private Duration tlsHandshakeTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(10);
    private Duration reloadTimeout = Duration.ofMinutes(5);
    private Duration readyTimeout = Duration.ofMinutes(5);
    private Optional<Authentication> authentication = Optional.empty();
    private Optional<PrometheusTrust> caBundle = Optional.empty();
    private OptionalLong signalPid = OptionalLong.empty();
    private Optional<Path> signalPidFile = Optional.empty();
    private Optional<Path> promtool = Optional.empty();
    private Duration promtoolTimeout = LocalValidation.DEFAULT_PROMTOOL_TIMEOUT;

    private Builder(Path outputDirectory, URI prometheusUri) {
      this.outputDirectory = outputDirectory;
      this.prometheusUri = prometheusUri;
    }

    public Builder connectTimeout(Duration value) {
      connectTimeout = value;
      return this;
    }

    public Builder tlsHandshakeTimeout(Duration value) {
      tlsHandshakeTimeout = value;
      return this;
    }

    public Builder requestTimeout(Duration value) {
      requestTimeout = value;
      return this;
    }

    public Builder reloadTimeout(Duration value) {
      reloadTimeout = value;
      return this;
    }

    public Builder readyTimeout(Duration value) {
      readyTimeout = value;
      return this;
    }

    public Builder authentication(Authentication value) {
      authentication = Optional.of(value);
      return this;
    }

    /**
     * Verify Prometheus' certificate with the CAs of this PEM file as read ({@link
     * PrometheusTrust#read}), not the JVM's.
     */
    public Builder caBundle(PrometheusTrust value) {
      caBundle = Optional.of(value);
      return this;
    }

    /** Reload by SIGHUP to this process instead of HTTP. */
    public Builder signalPid(long pid) {
      signalPid = OptionalLong.of(pid);
      return this;
    }

    /** Reload by SIGHUP to the process whose PID this file holds, read before each signal. */
    public Builder signalPidFile(Path value) {
      signalPidFile = Optional.of(value);
      return this;
    }

    public Builder promtool(Path value) {
      promtool = Optional.of(value);
      return this;
    }

    public Builder promtoolTimeout(Duration value) {
      promtoolTimeout = value;
      return this;
    }

    /**
     * @throws ValidationException listing every bad setting
     */
    public PrometheusAdapterSettings build() {
      return new PrometheusAdapterSettings(outputDirectory, prometheusUri, connectTimeout,
          tlsHandshakeTimeout, requestTimeout, reloadTimeout, readyTimeout, authentication,
          caBundle, signalPid, signalPidFile, promtool, promtoolTimeout);
    }
  }
}
