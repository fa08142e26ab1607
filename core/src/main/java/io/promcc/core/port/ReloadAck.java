package io.promcc.core.port;

/** What a successful {@link PrometheusControl#reload()} call proves. */
public enum ReloadAck {
  /**
   * Prometheus answered that it loaded the config ({@code POST /-/reload} answers only after the
   * load, 200 on success): the answer is the verdict.
   */
  LOADED,
  /**
   * A signal was sent; the load runs asynchronously and only {@link RuntimeInfo} tells when it
   * finished and whether it succeeded.
   */
  SIGNALLED
}
