package io.promcc.prometheus;

import static io.promcc.prometheus.PrometheusHttp.excerpt;

import io.promcc.core.model.Quoting;
import io.promcc.core.port.PrometheusApiException;
import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.ReloadAck;
import io.promcc.core.port.ReloadRejectedException;
import java.net.URI;
import java.net.http.HttpResponse;

/**
 * What an answer to {@code POST /-/reload} says, for {@link HttpPrometheusControl#reload()}:
 * Prometheus 2.53.3 answers 200 with nothing once it loaded the config, 500 with its words if it
 * refused it, 403 with its lifecycle API off; any other answer comes from something in between
 * (a proxy, a gateway) or from something else at that URL. Stateless.
 */
final class ReloadAnswers {
  /**
   * How Prometheus' answer to a reload that refused the config begins ({@code web/web.go}, 2.x
   * and 3.x alike): a 500 without it comes from something else.
   */
  static final String REFUSAL = "failed to reload config:";
  /**
   * How Prometheus' refusal begins when it could not apply parts of the config (a rule file, a
   * query log it cannot open): the cause is only in its own log.
   */
  static final String NO_CAUSE = REFUSAL + " one or more errors occurred while applying the new "
      + "configuration";
  /** What a refusal {@link #NO_CAUSE} says after it, for a user who sees no cause. */
  static final String NO_CAUSE_HINT = "; prometheus' answer names no cause: its own log does "
      + "(its \"Failed to apply configuration\" lines)";

  private ReloadAnswers() {}

  /**
   * {@link ReloadAck#LOADED} if {@code response} proves the load; else throws what it says, as
   * {@link HttpPrometheusControl#reload()} tells.
   *
   * @param prometheus Prometheus' URL, named in the messages
   */
  static ReloadAck read(HttpResponse<String> response, PrometheusHttp http, URI prometheus) {
    int status = response.statusCode();
    if (status == 200 && response.body().isBlank()) {
      return ReloadAck.LOADED;
    }
    if (status == 200) {
      // Prometheus writes nothing on a reload it carried out: a page is someone else's answer
      throw new PrometheusApiException("POST /-/reload", status, "prometheus at "
          + Quoting.quote(prometheus.toString()) + " answered the reload with "
          + "status 200 and a body, " + Quoting.quote(excerpt(response.body())) + "; "
          + "prometheus' own answer to a reload it carried out is empty: is that URL "
          + "prometheus'? nothing says the config was loaded");
    }
    if (status == 500 && response.body().strip().startsWith(REFUSAL)) {
      String body = response.body().strip();
      throw new ReloadRejectedException(excerpt(body)
          + (body.startsWith(NO_CAUSE) ? NO_CAUSE_HINT : ""));
    }
    if (status == 503) {
      // a proxy with no prometheus behind it (prometheus' handler never answers 503)
      throw PrometheusUnavailableException.notSent("POST /-/reload to prometheus at "
          + Quoting.quote(prometheus.toString()) + " failed: it answered status "
          + "503 with " + Quoting.quote(excerpt(response.body())) + ", which prometheus never "
          + "answers a reload with: a proxy in between has no prometheus to send it to; not sent",
          null);
    }
    if (status == 500 || status == 502 || status == 504) {
      // a proxy's or a gateway's answer (prometheus' handler waits for the load, even while it
      // starts): no verdict on the config, which must not be pinned for it, and the request may
      // have reached prometheus, which may have loaded it
      throw new PrometheusUnavailableException("POST /-/reload to prometheus at "
          + Quoting.quote(prometheus.toString()) + " failed: it answered status "
          + status + " with " + Quoting.quote(excerpt(response.body())) + (status == 500
              ? ", not prometheus' refusal of a config (" + Quoting.quote(REFUSAL + " ...")
                  + "): is that URL prometheus'?"
              : ", which prometheus never answers a reload with: a proxy or gateway in between "
                  + "answered (its timeout may be shorter than the load, which goes on);")
          + " no verdict on the config");
    }
    if (status / 100 == 3) {
      // a wrong URL: a path not spelled as prometheus' route prefix (it answers POST
      // /Prom/-/reload with 307 to /prom/-/reload), a proxy's sign-in, http sent on to https
      throw http.redirected("POST /-/reload", response);
    }
    if (status == 401) {
      throw http.refused("POST /-/reload", response);
    }
    http.servedOverHttps("POST /-/reload", response).ifPresent(e -> {
      throw e;
    });
    // Prometheus answers 403 when its lifecycle API is off
    String hint = status == 403 || status == 404 || status == 405
        ? "; is the lifecycle API off? start prometheus with --web.enable-lifecycle or reload "
            + "by signal"
        : "";
    throw new PrometheusApiException("POST /-/reload", status, "prometheus at "
        + Quoting.quote(prometheus.toString()) + " answered the reload with status "
        + status + ": " + Quoting.quote(excerpt(response.body())) + hint);
  }
}
