package io.promcc.prometheus;

import static io.promcc.prometheus.PrometheusHttp.excerpt;
import static java.util.Objects.requireNonNull;

import io.promcc.core.model.Quoting;
import io.promcc.core.port.LoadGauges;
import io.promcc.core.port.PrometheusApiException;
import io.promcc.core.port.PrometheusControl;
import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.ReloadAck;
import io.promcc.core.port.ReloadRejectedException;
import io.promcc.core.port.RuntimeInfo;
import io.promcc.core.port.Sleeper;
import jakarta.inject.Inject;
import java.lang.System.Logger.Level;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * {@link PrometheusControl} over Prometheus' HTTP API with {@code java.net.http}.
 *
 * <ul>
 *   <li>{@link #awaitReady}: {@code GET /-/ready} until 200, backing off exponentially from
 *       50 ms to at most 2 s between attempts (time from the injected clock and sleeper); a
 *       refusal of access, a redirect, a TLS certificate the client does not verify (not
 *       trusted, for another host, out of its validity) or a URL of the wrong scheme (http to
 *       tls, https to plain http), which no wait mends, ends it at once ({@link
 *       PrometheusApiException}; a certificate's, https's, with status 0: nothing sent). The
 *       first wait of this object's life that is not answered at once is logged at INFO when it
 *       starts and when Prometheus answers (ready, or a runtime info), with the time since it
 *       started: a controller started beside a Prometheus still replaying its WAL would wait up
 *       to the ready timeout without a word. Later waits belong to a reconcile, which reports
 *       them; a first wait that ends at its timeout is retried by one without a second line.
 *       A zero timeout sends one request and logs nothing: a probe, not a wait.
 *   <li>{@link #reload}: {@code POST /-/reload} (needs {@code --web.enable-lifecycle}); Prometheus
 *       answers after the reload, 500 with its error if it rejected the config: the answer is the
 *       verdict ({@link ReloadAck#LOADED}). Or, when a PID or a PID file is configured,
 *       {@code kill -HUP <pid>} run as a process: Java's {@link ProcessHandle} can only
 *       terminate, not send other signals. The PID file is read again before each signal, and the
 *       signal goes only to a live process whose program is named like {@code prometheus} (a
 *       stale PID may belong to any other process by now). A signal reload is asynchronous
 *       ({@link ReloadAck#SIGNALLED}); callers confirm it
 *       with {@link #runtimeInfo()}. So that a finished signal reload always shows a newer
 *       {@code lastConfigTime} (whole seconds), the signal is sent only once Prometheus' own
 *       clock (its {@code Date} header) has passed the second of its last load.
 *   <li>{@link #runtimeInfo}: {@code GET /api/v1/status/runtimeinfo}, with Prometheus' time of the
 *       answer from the {@code Date} header.
 *   <li>{@link #loadedConfig}: {@code GET /api/v1/status/config}, field {@code data.yaml}.
 *   <li>{@link #gauges}: {@code GET /metrics} in the text format, read line by line until
 *       {@code prometheus_sd_failed_configs{name="scrape"}} and {@code
 *       prometheus_config_last_reload_success_timestamp_seconds} are both seen, at most {@link
 *       #MAX_LARGE_ANSWER} bytes before the last, nothing but those two lines kept.
 * </ul>
 *
 * <p>Every request has a timeout (the reload its own, longer one), bodies are read to the end up
 * to a cap ({@link #MAX_LARGE_ANSWER} for the config and the targets, {@link #MAX_SMALL_ANSWER}
 * for the rest; a successful answer over it is a {@link PrometheusApiException}), and
 * credentials go only into the {@code Authorization} header, a password or token from a file
 * read again for each request. Thread-safe.
 */
public final class HttpPrometheusControl implements PrometheusControl {
  private static final System.Logger LOG =
      System.getLogger(HttpPrometheusControl.class.getName());
  static final Duration FIRST_BACKOFF = Duration.ofMillis(50);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(2);
  /**
   * The most read of the config or the targets answer: the config of 10,000 guest clusters in
   * one file (87 MB as written) is about 140 MB as Prometheus answers it (its own rendering,
   * defaults included, JSON-escaped), so this leaves several times that, while a wrong URL that
   * streams is cut off at a bound instead of read without end (a heap smaller than about twice
   * the bound may still run short before it is reached).
   */
  static final int MAX_LARGE_ANSWER = 512 << 20;
  /** The most read of any other answer (ready, runtime info, reload): a few hundred bytes. */
  static final int MAX_SMALL_ANSWER = 1 << 20;

  private final PrometheusHttp http;
  private final PrometheusAdapterSettings settings;
  private final Clock clock;
  private final Sleeper sleeper;
  private final int maxLargeAnswer;
  private final int maxSmallAnswer;
  private final FirstWait firstWait;

  /** A control using {@code client} (whose connect timeout should be the settings' one). */
  @Inject
  public HttpPrometheusControl(HttpClient client, PrometheusAdapterSettings settings,
      Clock clock) {
    this(client, settings, clock, Sleeper.SYSTEM);
  }

  HttpPrometheusControl(HttpClient client, PrometheusAdapterSettings settings, Clock clock,
      Sleeper sleeper) {
    this(client, settings, clock, sleeper, MAX_LARGE_ANSWER, MAX_SMALL_ANSWER);
  }

  /** With the most read of one answer given: small ones in tests. */
  HttpPrometheusControl(HttpClient client, PrometheusAdapterSettings settings, Clock clock,
      Sleeper sleeper, int maxLargeAnswer, int maxSmallAnswer) {
    this(client, settings, clock, sleeper, maxLargeAnswer, maxSmallAnswer, ConnectProbe.SOCKETS);
  }

  /** With {@code probe} telling why a connect failed where the client does not. */
  HttpPrometheusControl(HttpClient client, PrometheusAdapterSettings settings, Clock clock,
      Sleeper sleeper, int maxLargeAnswer, int maxSmallAnswer, ConnectProbe probe) {
    this.http = new PrometheusHttp(client, settings, probe);
    this.settings = settings;
    this.clock = requireNonNull(clock, "clock == null");
    this.sleeper = requireNonNull(sleeper, "sleeper == null");
    if (maxLargeAnswer <= 0 || maxSmallAnswer <= 0) {
      throw new IllegalArgumentException("answer caps must be positive: " + maxLargeAnswer
          + ", " + maxSmallAnswer);
    }
    this.maxLargeAnswer = maxLargeAnswer;
    this.maxSmallAnswer = maxSmallAnswer;
    this.firstWait = new FirstWait(settings.prometheusUri(), clock, LOG);
  }

  /**
   * An HTTP client as this class expects it: HTTP/1.1, the settings' connect timeout (with https
   * the TLS handshake's added: {@link PrometheusAdapterSettings#connectAndHandshakeTimeout}), and
   * with a CA bundle set its certificates alone verifying Prometheus' (host names verified as
   * ever).
   *
   * The CA bundle is not read again to make it: its certificates are those read into the
   * settings (later calls and handshakes read it again when due, bounded). With a bundle, the
   * client requests go to is made again when a read finds the bundle changed ({@link
   * BundleFollowingHttpClient}): a connection kept open is not verified again, and calls every
   * few seconds would keep it for ever.
   */
  public static HttpClient newHttpClient(PrometheusAdapterSettings settings) {
    HttpClient.Builder builder = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        // one timer from the connect to the end of the TLS handshake: with https, the handshake
        // has a bound of its own added, so that a busy node is not "connect timed out"
        .connectTimeout(settings.connectAndHandshakeTimeout())
        // directly, never through the JVM's default ProxySelector (-Dhttps.proxyHost,
        // java.net.useSystemProxies), which would carry the credentials through a proxy unasked
        .proxy(HttpClient.Builder.NO_PROXY)
        .followRedirects(HttpClient.Redirect.NEVER);
    settings.caBundle().ifPresent(bundle -> {
      // as Go and curl, which take the bundle the same way: said once, when the client is made
      // unless promcc check said them already
      bundle.warningsNotSaid().forEach(warning -> LOG.log(Level.WARNING, warning));
      builder.sslContext(bundle.sslContext());
    });
    if (settings.caBundle().isPresent()) {
      return new BundleFollowingHttpClient(builder::build, settings.caBundle().get()::readIfDue);
    }
    return builder.build();
  }

  @Override
  public void awaitReady(Duration timeout) {
    requireNonNull(timeout, "timeout == null");
    Instant started = clock.instant();
    Instant deadline = started.plus(timeout);
    Duration backoff = FIRST_BACKOFF;
    String lastProblem;
    PrometheusHttp polls = http.forOneWait(); // a refusal probed once per wait
    while (true) {
      try {
        HttpResponse<String> response = polls.sendSmall(http.get("-/ready"), "GET /-/ready",
            settings.requestTimeout(), maxSmallAnswer);
        int status = response.statusCode();
        if (status == 200) {
          firstWait.answered();
          return;
        }
        if (status == 401 || status == 403) {
          throw http.refused("GET /-/ready", response);
        }
        if (status / 100 == 3) {
          // a wrong URL no wait mends: a sign-in proxy, http sent on to https, or a path not
          // spelled as Prometheus' own (its router redirects /Prom/-/ready to /prom/-/ready)
          throw http.redirected("GET /-/ready", response);
        }
        http.servedOverHttps("GET /-/ready", response).ifPresent(e -> {
          throw e; // an http URL of a tls port: no wait mends it either
        });
        lastProblem = "status " + status + ": " + excerpt(response.body());
      } catch (PrometheusUnavailableException e) {
        if (TlsFailures.certificateProblem(e, settings).or(() -> TlsFailures.notTls(e))
            .isPresent()) {
          // a tls server answered with a certificate this client does not verify, or a server
          // answered in plain http: an answer, as a refusal is, that no wait mends (a fixed
          // certificate, bundle or url is seen by the next reconcile's call); nothing was sent
          throw new PrometheusApiException("GET /-/ready", 0, e.getMessage(), e);
        }
        lastProblem = e.getMessage();
      }
      if (!timeout.isZero() && !timeout.isNegative()) {
        firstWait.started(started, timeout, lastProblem); // a probe is no wait
      }
      Duration remaining = Duration.between(clock.instant(), deadline);
      if (remaining.isNegative() || remaining.isZero()) {
        throw new PrometheusUnavailableException("prometheus at "
            + Quoting.quote(settings.prometheusUri().toString()) + " not ready after "
            + timeout + "; last answer: " + lastProblem);
      }
      sleeper.pause(backoff.compareTo(remaining) < 0 ? backoff : remaining,
          "waiting for prometheus");
      backoff = Sleeper.doubled(backoff, MAX_BACKOFF);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>A 200 is {@link ReloadAck#LOADED} only once its whole body was read and found empty, as
   * Prometheus answers a reload it carried out: one with a body (a proxy's page) throws
   * {@link PrometheusApiException}, and one whose body cannot be read is no proof of a load
   * either, and throws. A body over the bound of a small answer
   * (Prometheus' own is empty: it comes from something else at that URL) throws
   * {@link PrometheusApiException} naming the bound; a body cut short (the connection lost, or
   * the reload timeout over while it is read) throws {@link PrometheusUnavailableException}.
   * Prometheus may have loaded the configuration all the same. A 500 is a refusal ({@link
   * ReloadRejectedException}) only in Prometheus' words, {@value ReloadAnswers#REFUSAL} and its
   * error; one without them (a proxy's error page), and a 502 or 504, which Prometheus never
   * answers a reload with (a gateway whose timeout is shorter than the load), are no verdict and
   * throw {@link PrometheusUnavailableException}, as a reload without an answer does: runtime
   * info tells whether Prometheus loaded or refused the configuration. A 503 (a proxy with no
   * Prometheus behind it) throws one that was {@linkplain
   * PrometheusUnavailableException#notSent() not sent}. A redirect (a path not spelled as
   * Prometheus' route prefix) throws {@link PrometheusApiException} naming where it points.
   * What each answer says is read by {@link ReloadAnswers}.
   */
  @Override
  public ReloadAck reload() {
    if (settings.signalPid().isPresent() || settings.signalPidFile().isPresent()) {
      long pid;
      try {
        awaitSecondAfterLastLoad();
        pid = ReloadSignal.target(settings.signalPid(), settings.signalPidFile());
      } catch (PrometheusUnavailableException beforeTheSignal) {
        // the same failure, marked: no signal was sent
        throw PrometheusUnavailableException.notSent(beforeTheSignal.getMessage(),
            beforeTheSignal.getCause());
      }
      ReloadSignal.send(pid, settings.requestTimeout());
      return ReloadAck.SIGNALLED;
    }
    HttpRequest request = http.request("POST", "-/reload")
        .POST(HttpRequest.BodyPublishers.noBody()).build();
    HttpResponse<String> response = http.sendSmall(request, "POST /-/reload",
        settings.reloadTimeout(), maxSmallAnswer);
    return ReloadAnswers.read(response, http, settings.prometheusUri());
  }

  /**
   * Waits, bounded by the reload timeout, until Prometheus' clock is in a later whole second than
   * its last load; without a {@code Date} header, one second. Prometheus' times are compared
   * only with each other.
   */
  private void awaitSecondAfterLastLoad() {
    Instant deadline = clock.instant().plus(settings.reloadTimeout());
    Duration backoff = FIRST_BACKOFF;
    while (true) {
      RuntimeInfo info = runtimeInfo();
      if (info.serverTime().isEmpty()) {
        sleeper.pause(Duration.ofSeconds(1), "waiting before the reload signal");
        return;
      }
      if (info.serverTime().get().isAfter(info.lastConfigTime())
          || !clock.instant().isBefore(deadline)) {
        return;
      }
      sleeper.pause(backoff, "waiting before the reload signal");
      backoff = Sleeper.doubled(backoff, MAX_BACKOFF);
    }
  }

  @Override
  public RuntimeInfo runtimeInfo() {
    String endpoint = "GET /api/v1/status/runtimeinfo";
    HttpResponse<String> response = http.sendSmall(http.get("api/v1/status/runtimeinfo"),
        endpoint, settings.requestTimeout(), maxSmallAnswer);
    Map<?, ?> data = http.apiData(endpoint, response);
    Object success = data.get("reloadConfigSuccess");
    Object time = data.get("lastConfigTime");
    if (!(success instanceof Boolean) || !(time instanceof String)) {
      throw new PrometheusApiException(endpoint, 200,
          "runtimeinfo lacks reloadConfigSuccess or lastConfigTime: " + Quoting.quote(
              String.valueOf(data)));
    }
    try {
      RuntimeInfo info = new RuntimeInfo((Boolean) success, Instant.parse((String) time),
          response.headers().firstValue("Date").flatMap(HttpPrometheusControl::httpDate));
      firstWait.answered(); // its API answers only once it is ready
      return info;
    } catch (DateTimeParseException e) {
      throw new PrometheusApiException(endpoint, 200, "runtimeinfo has a bad lastConfigTime "
          + Quoting.quote((String) time), e);
    }
  }

  @Override
  public String loadedConfig() {
    String endpoint = "GET /api/v1/status/config";
    Object yaml = http.apiData(endpoint, http.send(http.get("api/v1/status/config"), endpoint,
        settings.requestTimeout(), maxLargeAnswer)).get("yaml");
    if (!(yaml instanceof String)) {
      throw new PrometheusApiException(endpoint, 200, "status/config has no yaml field");
    }
    return (String) yaml;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Redirects are not followed; a refusal of access throws as for the other requests. The
   * answer is read only until both gauges' lines are seen: the load time's, which Prometheus
   * lists before its per-job series, and the failed discoveries', which it lists after its
   * per-job series of {@code prometheus_sd_discovered_targets}: a line each.
   */
  @Override
  public LoadGauges gauges() {
    String endpoint = "GET /metrics";
    HttpRequest request = http.request("GET", "metrics")
        .header("Accept", "text/plain;version=0.0.4").GET().build();
    HttpResponse<String> response = http.send(request, endpoint, settings.requestTimeout(),
        SampleLineScan.handler(maxLargeAnswer, FailedDiscoveryGauge::isSample,
            LoadTimeGauge::isSample), maxLargeAnswer);
    int status = response.statusCode();
    if (status == 401 || status == 403) {
      throw http.refused(endpoint, response);
    }
    if (status / 100 == 3) {
      throw http.redirected(endpoint, response);
    }
    if (status != 200) {
      throw new PrometheusApiException(endpoint, status, "prometheus at "
          + Quoting.quote(settings.prometheusUri().toString()) + " answered " + endpoint
          + " with status " + status + ": " + Quoting.quote(excerpt(response.body())));
    }
    String[] lines = response.body().split("\n", -1);
    return new LoadGauges(FailedDiscoveryGauge.count(endpoint, lines[0]),
        LoadTimeGauge.instant(endpoint, lines[1]));
  }

  /**
   * Prometheus' active targets ({@code GET /api/v1/targets?state=active}) counted by the value of
   * the target label {@code label} (e.g. {@code cluster_id}), by health. Targets without that
   * label are not counted. Not part of the reconcile: it tells whether what Prometheus loaded
   * actually finds and scrapes targets (a guest API server that refuses the client certificate
   * leaves its discovered jobs without targets).
   *
   * @throws PrometheusUnavailableException if Prometheus cannot be reached in time
   * @throws PrometheusApiException if it answers with an error or with something else than the
   *     targets API's JSON
   */
  public SortedMap<String, TargetHealth> activeTargetsBy(String label) {
    requireNonNull(label, "label == null");
    String endpoint = "GET /api/v1/targets?state=active";
    Map<?, ?> data = http.apiData(endpoint, http.send(http.get("api/v1/targets?state=active"),
        endpoint, settings.requestTimeout(), maxLargeAnswer));
    if (!(data.get("activeTargets") instanceof List<?> targets)) {
      throw new PrometheusApiException(endpoint, 200, "targets answer has no activeTargets list");
    }
    SortedMap<String, TargetHealth> byValue = new TreeMap<>();
    for (Object target : targets) {
      if (target instanceof Map<?, ?> t && t.get("labels") instanceof Map<?, ?> labels
          && labels.get(label) instanceof String value) {
        String health = t.get("health") instanceof String h ? h : "unknown";
        byValue.put(value, byValue.getOrDefault(value, TargetHealth.NONE).plus(health));
      }
    }
    return byValue;
  }

  /** An HTTP date (RFC 1123), if it parses. */
  private static Optional<Instant> httpDate(String value) {
    try {
      return Optional.of(ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME)
          .toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
