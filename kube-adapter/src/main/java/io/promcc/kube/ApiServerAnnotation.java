package io.promcc.kube;

import static io.promcc.kube.ServiceMapping.API_SERVER_NOT_HTTPS;
import static io.promcc.kube.ServiceMapping.API_SERVER_USER_INFO;
import static io.promcc.kube.ServiceMapping.INVALID_API_SERVER;
import static java.util.Objects.requireNonNull;

import com.google.common.net.HostAndPort;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.InvalidValueException;
import io.promcc.core.model.Problems;
import io.promcc.core.model.Quoting;
import io.promcc.kube.ServiceMapping.Outcome;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.Set;

/**
 * The API server URL annotation of a Service, checked for {@link ServiceMapping}: https only, no
 * user info (never printed), and a host {@link ApiServerHosts} accepts.
 *
 * <p>Immutable and thread-safe.
 */
final class ApiServerAnnotation {
  private final DiscoverySettings settings;
  private final ApiServerHosts hosts;

  ApiServerAnnotation(DiscoverySettings settings) {
    this.settings = requireNonNull(settings, "settings == null");
    this.hosts = new ApiServerHosts(settings);
  }

  /** The checked URL of the annotation, or a {@link Outcome.Rejected}. */
  Object check(String subject, ClusterId id, String value, V1ObjectMeta meta) {
    String field = "api server of cluster " + Quoting.quote(id.value());
    String where = ServiceMapping.annotation(settings.apiServerUrlAnnotation());
    Optional<String> redacted = redactedUserInfo(value);
    if (redacted.isPresent()) {
      // the value is printed only with its user info replaced: it may hold a password
      return ServiceMapping.reject(subject, API_SERVER_USER_INFO,
          Problems.format(field, redacted.get(), "must not carry user info") + where);
    }
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      return ServiceMapping.reject(subject, INVALID_API_SERVER,
          Problems.format(field, value, "is not a valid url") + where);
    }
    if (!"https".equalsIgnoreCase(uri.getScheme())) {
      return ServiceMapping.reject(subject, API_SERVER_NOT_HTTPS, Problems.format(field, value,
          "must be an https url (the client certificate is only used over tls)") + where);
    }
    URI apiServer;
    try {
      apiServer = GuestCluster.of(id.value(), settings.defaultProvider(), value).apiServer();
    } catch (InvalidValueException e) {
      return ServiceMapping.reject(subject, INVALID_API_SERVER, e.getMessage() + where);
    }
    String host;
    try {
      host = HostAndPort.fromString(apiServer.getRawAuthority()).getHost();
    } catch (IllegalArgumentException e) {
      return ServiceMapping.reject(subject, INVALID_API_SERVER,
          Problems.format(field, value, "needs a host name") + where);
    }
    // default/kubernetes is the host cluster's own API server (its API server keeps that
    // Service): its name is never a guest cluster's own
    Set<String> own = "default".equals(meta.getNamespace()) && "kubernetes".equals(meta.getName())
        ? Set.of() : Set.of(meta.getName() + "." + meta.getNamespace());
    Optional<ApiServerHosts.Refusal> refusal = hosts.check(host, own);
    if (refusal.isPresent()) {
      return ServiceMapping.reject(subject, refusal.get().reason(),
          Problems.format(field, value, refusal.get().problem()) + where);
    }
    return apiServer;
  }

  /**
   * The value with anything that may be user info replaced by {@code <secret>}, if it has an
   * {@code @} at all: an API server URL has no legitimate one (path, query and fragment are
   * refused anyway), and a malformed URL such as {@code https:/user:pass@host} has no authority
   * to look for it in. Everything between the scheme and the last {@code @} is hidden.
   */
  static Optional<String> redactedUserInfo(String value) {
    int at = value.lastIndexOf('@');
    if (at < 0) {
      return Optional.empty();
    }
    int scheme = value.indexOf("://");
    String prefix = scheme >= 0 && scheme < at ? value.substring(0, scheme + 3) : "";
    return Optional.of(prefix + "<secret>" + value.substring(at));
  }
}
