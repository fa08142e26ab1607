package io.promcc.core.model;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableSortedMap;
import com.google.common.net.HostAndPort;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.regex.Pattern;

/**
 * One guest (workload) Kubernetes cluster to scrape, independent of the provider that made it.
 *
 * @param id the cluster's ID
 * @param provider the provider's name (e.g. {@code aws}); becomes the {@code provider} label
 * @param apiServer the guest API server as reached from the host: {@code https://host[:port]}
 * @param labels extra target labels for every series of this cluster, sorted by name
 * @param etcd the guest cluster's etcd as {@code host:port}, if it is to be scraped
 */
public record GuestCluster(
    ClusterId id,
    String provider,
    URI apiServer,
    SortedMap<String, String> labels,
    Optional<HostAndPort> etcd) {

  private static final Pattern DNS_NAME = Pattern.compile(
      "[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*");

  /**
   * @throws InvalidValueException if the provider, API server, a label or the etcd endpoint is
   *     not acceptable; the message names the cluster
   */
  public GuestCluster {
    requireNonNull(id, "id == null");
    requireNonNull(apiServer, "apiServer == null");
    requireNonNull(labels, "labels == null");
    requireNonNull(etcd, "etcd == null");
    String owner = "cluster " + Quoting.quote(id.value());
    Text.requirePrintable(provider, "provider of " + owner);
    checkApiServer(apiServer, owner);
    labels.forEach((name, value) -> {
      LabelNames.requireTargetLabel(name, "label of " + owner);
      Text.requirePrintable(value, "label " + Quoting.quote(name) + " of " + owner);
    });
    labels = ImmutableSortedMap.copyOf(labels);
    etcd.ifPresent(endpoint -> {
      if (!endpoint.hasPort()) {
        throw new InvalidValueException("etcd endpoint of " + owner, endpoint.toString(),
            "needs a port");
      }
    });
  }

  /**
   * Field by field, the API server by its text: {@link URI#equals} ignores the case of the host,
   * which the rendered config keeps, so two clusters it finds equal can render differently (and
   * a kept planner, reusing what it rendered, wrote other bytes than a fresh one).
   */
  @Override
  public boolean equals(Object o) {
    return this == o || o instanceof GuestCluster other && id.equals(other.id)
        && Objects.equals(provider, other.provider)
        && apiServer.toString().equals(other.apiServer.toString())
        && labels.equals(other.labels) && etcd.equals(other.etcd);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, provider, apiServer.toString(), labels, etcd);
  }

  /** A cluster without extra labels or etcd. */
  public static GuestCluster of(String id, String provider, String apiServer) {
    return new GuestCluster(ClusterId.of(id), provider, parseApiServer(apiServer, id),
        ImmutableSortedMap.of(), Optional.empty());
  }

  /** A copy with these extra target labels. */
  public GuestCluster withLabels(Map<String, String> newLabels) {
    return new GuestCluster(id, provider, apiServer, ImmutableSortedMap.copyOf(newLabels), etcd);
  }

  /** A copy that also scrapes etcd at {@code hostPort}. */
  public GuestCluster withEtcd(String hostPort) {
    return new GuestCluster(id, provider, apiServer, labels,
        Optional.of(parseEtcd(hostPort, id.value())));
  }

  /** {@code host:port} of the API server; the port defaults to the scheme's. */
  public String apiServerAddress() {
    HostAndPort address = hostAndPort(apiServer);
    int port = address.getPortOrDefault("http".equals(apiServer.getScheme()) ? 80 : 443);
    return HostAndPort.fromParts(address.getHost(), port).toString();
  }

  /** The digits after the authority's last {@code :} (outside brackets), or -1 if none. */
  private static long rawPort(URI uri) {
    String authority = uri.getRawAuthority();
    int colon = authority == null ? -1 : authority.lastIndexOf(':');
    if (colon < 0 || colon < authority.lastIndexOf(']')) {
      return -1;
    }
    String digits = authority.substring(colon + 1);
    return digits.matches("\\d{1,18}") ? Long.parseLong(digits) : -1;
  }

  /**
   * Host and port of a URL, or {@code null} if it has no usable host. {@link URI#getHost()} is
   * null for a host whose last label starts with a digit, such as {@code master.4bvha}: URI
   * follows RFC 2396's top-label rule, but DNS and Kubernetes allow such names, and the API
   * server of a guest cluster is {@code master.<cluster id>} where IDs may start with a digit.
   */
  private static HostAndPort hostAndPort(URI uri) {
    try {
      if (uri.getHost() != null && !uri.getHost().isEmpty()) {
        return uri.getPort() < 0 ? HostAndPort.fromHost(uri.getHost())
            : HostAndPort.fromParts(uri.getHost(), uri.getPort());
      }
      String authority = uri.getRawAuthority();
      if (authority == null || authority.contains("@")) {
        return null;
      }
      HostAndPort parsed = HostAndPort.fromString(authority);
      return DNS_NAME.matcher(parsed.getHost()).matches() ? parsed : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * Parses an API server URL.
   *
   * @throws InvalidValueException naming the cluster if it is not an absolute http(s) URL
   */
  public static URI parseApiServer(String value, String clusterId) {
    String owner = "api server of cluster " + Quoting.quote(clusterId);
    if (value == null) {
      throw new InvalidValueException(owner, null, "is missing");
    }
    URI uri;
    try {
      uri = new URI(value);
    } catch (java.net.URISyntaxException e) {
      throw new InvalidValueException(owner, UrlText.withoutUserInfo(value),
          "is not a valid url");
    }
    checkApiServer(uri, "cluster " + Quoting.quote(clusterId));
    return uri;
  }

  /**
   * Parses {@code host:port}.
   *
   * @throws InvalidValueException naming the cluster if it is not {@code host:port}
   */
  public static HostAndPort parseEtcd(String value, String clusterId) {
    String owner = "etcd endpoint of cluster " + Quoting.quote(clusterId);
    if (value == null) {
      throw new InvalidValueException(owner, null, "is missing");
    }
    try {
      HostAndPort parsed = HostAndPort.fromString(value);
      if (!parsed.hasPort() || parsed.getPort() < 1 || parsed.getHost().isEmpty()
          || !parsed.getHost().matches("[A-Za-z0-9.\\-:\\[\\]]+")) {
        throw new IllegalArgumentException();
      }
      return parsed;
    } catch (IllegalArgumentException e) {
      throw new InvalidValueException(owner, value, "must be host:port");
    }
  }

  /** Why {@code authority} (user info, host and port; null if none) gives no usable host. */
  private static String hostProblem(String authority) {
    if (authority == null || authority.isEmpty()) {
      return "needs a host name";
    }
    String hostAndPort = authority.substring(authority.lastIndexOf('@') + 1);
    if (!hostAndPort.chars().allMatch(c -> c < 0x80)) {
      return "has a host name that is not ASCII: write it in its punycode form (xn--...)";
    }
    if (hostAndPort.indexOf('_') >= 0) {
      return "has a '_' in its host name, which takes letters, digits, '-' and '.'";
    }
    int colon = hostAndPort.lastIndexOf(':');
    if (colon >= 0 && colon > hostAndPort.lastIndexOf(']')
        && !hostAndPort.substring(colon + 1).matches("[0-9]*")) {
      return "has a port that is not a number from 1 to 65535";
    }
    return "needs a host name";
  }

  private static void checkApiServer(URI uri, String owner) {
    String field = "api server of " + owner;
    String text = UrlText.withoutUserInfo(uri.toString());
    if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
      boolean upper = uri.getScheme() != null && (uri.getScheme().equalsIgnoreCase("https")
          || uri.getScheme().equalsIgnoreCase("http"));
      throw new InvalidValueException(field, text, "must be an http or https url"
          + (upper ? ", its scheme in lower case" : ""));
    }
    HostAndPort address = hostAndPort(uri);
    // java.net.URI takes any digits as a port, and reads none where it finds no host
    long port = uri.getHost() == null ? rawPort(uri) : uri.getPort();
    if (port == 0 || port > 65535) {
      throw new InvalidValueException(field, text, "has a port out of range");
    }
    if (address == null) {
      throw new InvalidValueException(field, text, hostProblem(uri.getRawAuthority()));
    }
    if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new InvalidValueException(field, text,
          "must not carry user info, a query or a fragment");
    }
    String path = uri.getRawPath();
    if (path != null && !path.isEmpty() && !path.equals("/")) {
      throw new InvalidValueException(field, text, "must not have a path");
    }
  }
}
