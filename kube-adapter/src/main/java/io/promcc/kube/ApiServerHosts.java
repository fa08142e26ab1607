package io.promcc.kube;

import com.google.common.net.InetAddresses;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Judges the host of an explicit API server URL by its form alone (no DNS lookup): an IP
 * literal by its range, a name by whether it can only mean something inside the cluster or on
 * this machine. Prometheus connects to that host with the cluster's client certificate, so
 * whoever writes the annotation must not be able to point it at the controller's own Pod, a
 * cloud metadata service or another in-cluster service.
 *
 * <p>A public name that resolves to a refused address is not caught here (the name is resolved
 * later, by Prometheus); that needs egress policy. Immutable and thread-safe.
 */
final class ApiServerHosts {
  /** Why a host was refused: a rejection reason of {@link ServiceMapping} and a problem phrase. */
  record Refusal(String reason, String problem) {}

  private enum Kind { ACCEPTED, LOOPBACK, LINK_LOCAL, NON_ROUTABLE, PRIVATE_NETWORK, IN_CLUSTER }

  private record Verdict(Kind kind, String detail) {}

  record Range(BigInteger base, int bits, int length) {
    boolean contains(byte[] address) {
      if (address.length * 8 != length) {
        return false;
      }
      BigInteger value = new BigInteger(1, address);
      return value.shiftRight(length - bits).equals(base.shiftRight(length - bits));
    }
  }

  /** An allow-list entry: a range of addresses, or a name / {@code *.suffix}. */
  record Allowed(Optional<Range> range, Optional<String> name) {
    boolean matches(String host, Optional<byte[]> address) {
      if (range.isPresent()) {
        return address.isPresent() && range.get().contains(address.get());
      }
      String pattern = name.orElseThrow();
      return pattern.startsWith("*.") ? host.endsWith(pattern.substring(1))
          : host.equals(pattern);
    }
  }

  private static final Pattern CANONICAL_IPV4 = Pattern.compile(
      "(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}");
  private static final Pattern NUMERIC_LABEL = Pattern.compile("[0-9]+|0[xX][0-9a-fA-F]*");
  private static final Pattern HOST_NAME = Pattern.compile(
      "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  private final boolean allowAny;
  private final boolean allowPrivateNetworks;
  private final List<Allowed> allowList;

  ApiServerHosts(DiscoverySettings settings) {
    this.allowAny = settings.allowAnyApiServerHost();
    this.allowPrivateNetworks = settings.allowPrivateNetworkApiServers();
    List<Allowed> parsed = new ArrayList<>();
    settings.apiServerAllowList().forEach(entry -> parsed.add(parseAllowed(entry)));
    this.allowList = List.copyOf(parsed);
  }

  /**
   * Parses an allow-list entry.
   *
   * @throws IllegalArgumentException with a problem phrase if it is not an IP address, a CIDR
   *     range, a host name or {@code *.} followed by a host name
   */
  static Allowed parseAllowed(String entry) {
    String problem = "must be an ip address, a cidr range, a host name or *.suffix";
    if (entry == null || entry.isBlank()) {
      throw new IllegalArgumentException(problem);
    }
    String text = entry.trim().toLowerCase(Locale.ROOT);
    int slash = text.indexOf('/');
    String addressText = slash < 0 ? text : text.substring(0, slash);
    Optional<byte[]> address = literal(addressText);
    if (address.isPresent()) {
      int length = address.get().length * 8;
      int bits = length;
      if (slash >= 0) {
        try {
          bits = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(problem);
        }
        if (bits < 0 || bits > length) {
          throw new IllegalArgumentException("has a prefix length out of range");
        }
      }
      return new Allowed(Optional.of(new Range(new BigInteger(1, address.get()), bits, length)),
          Optional.empty());
    }
    String name = text.startsWith("*.") ? text.substring(2) : text;
    if (slash >= 0 || !HOST_NAME.matcher(name).matches() || isNumeric(name)) {
      throw new IllegalArgumentException(problem);
    }
    return new Allowed(Optional.empty(), Optional.of(text));
  }

  /**
   * Judges {@code rawHost} (as in the URL; IPv6 without brackets).
   *
   * @param ownNames names of the Service itself ({@code name.namespace} and its
   *     {@code .svc...} forms), which are always accepted
   * @return a refusal, or empty if the host is acceptable
   */
  Optional<Refusal> check(String rawHost, Set<String> ownNames) {
    String host = rawHost.toLowerCase(Locale.ROOT);
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1); // an absolute name means the same host
    }
    if (host.contains("%")) {
      return Optional.of(new Refusal(ServiceMapping.INVALID_API_SERVER,
          "must not name a network interface"));
    }
    Optional<byte[]> address = literal(host);
    if (address.isEmpty() && isNumeric(host)) {
      // "127.1", "2130706433", "0x7f.1", "0177.0.0.1": C resolvers read these as addresses
      return Optional.of(new Refusal(ServiceMapping.INVALID_API_SERVER,
          "is not a canonical ip address"));
    }
    if (address.isEmpty() && !fitsDns(host)) {
      // no resolver accepts such a name; it would only carry a huge value into the config
      return Optional.of(new Refusal(ServiceMapping.INVALID_API_SERVER,
          "is not a host name: a label has at most 63 characters and a name at most 253"));
    }
    if (address.isEmpty() && isOwnName(host, ownNames)) {
      return Optional.empty();
    }
    for (Allowed allowed : allowList) {
      if (allowed.matches(host, address)) {
        return Optional.empty();
      }
    }
    if (allowAny) {
      return Optional.empty();
    }
    Verdict verdict = address.isPresent() ? classify(address.get()) : classifyName(host);
    return switch (verdict.kind()) {
      case ACCEPTED -> Optional.empty();
      case PRIVATE_NETWORK -> allowPrivateNetworks ? Optional.empty()
          : Optional.of(new Refusal(ServiceMapping.API_SERVER_PRIVATE_NETWORK,
              "is in a private network (" + verdict.detail() + ")"));
      case LOOPBACK -> Optional.of(new Refusal(ServiceMapping.API_SERVER_LOOPBACK,
          "is a loopback " + verdict.detail()));
      case LINK_LOCAL -> Optional.of(new Refusal(ServiceMapping.API_SERVER_LINK_LOCAL,
          "is a link-local address (" + verdict.detail() + ")"));
      case NON_ROUTABLE -> Optional.of(new Refusal(ServiceMapping.API_SERVER_NON_ROUTABLE,
          "is not a routable address (" + verdict.detail() + ")"));
      case IN_CLUSTER -> Optional.of(new Refusal(ServiceMapping.API_SERVER_IN_CLUSTER_NAME,
          "is an in-cluster or local name (" + verdict.detail() + ")"));
    };
  }

  private static boolean isOwnName(String host, Set<String> ownNames) {
    for (String own : ownNames) {
      if (host.equals(own) || host.startsWith(own + ".svc.") || host.equals(own + ".svc")) {
        return true;
      }
    }
    return false;
  }

  /** An IPv4 literal in canonical dotted-quad form, or an IPv6 literal; never a DNS lookup. */
  private static Optional<byte[]> literal(String host) {
    if (host.contains(":")) {
      if (!InetAddresses.isInetAddress(host)) {
        return Optional.empty();
      }
      InetAddress parsed = InetAddresses.forString(host);
      return Optional.of(parsed.getAddress()); // IPv4-mapped IPv6 arrives as IPv4
    }
    if (!CANONICAL_IPV4.matcher(host).matches()) {
      return Optional.empty();
    }
    for (String part : host.split("\\.")) {
      if (Integer.parseInt(part) > 255) {
        return Optional.empty();
      }
    }
    InetAddress parsed = InetAddresses.forString(host);
    return parsed instanceof Inet4Address ? Optional.of(parsed.getAddress()) : Optional.empty();
  }

  /** Whether the last label is a number, which makes a name an address to C resolvers. */
  private static boolean isNumeric(String host) {
    if (host.contains(":")) {
      return false;
    }
    String last = host.substring(host.lastIndexOf('.') + 1);
    return NUMERIC_LABEL.matcher(last).matches();
  }

  /** RFC 1035's limits: labels of 1 to 63 characters, at most 253 in all (no final dot). */
  private static boolean fitsDns(String host) {
    if (host.length() > 253) {
      return false;
    }
    for (String label : host.split("\\.", -1)) {
      if (label.isEmpty() || label.length() > 63) {
        return false;
      }
    }
    return true;
  }

  private static Verdict classifyName(String host) {
    if (host.equals("localhost") || host.endsWith(".localhost")) {
      return new Verdict(Kind.LOOPBACK, "name");
    }
    String[] labels = host.split("\\.");
    if (labels.length == 1) {
      return new Verdict(Kind.IN_CLUSTER, "a single label, completed by the search domains");
    }
    if (host.endsWith(".local")) {
      return new Verdict(Kind.IN_CLUSTER, "a .local name");
    }
    if (labels.length == 2) {
      return new Verdict(Kind.IN_CLUSTER, "<service>.<namespace>");
    }
    if (labels[2].equals("svc") || labels[2].equals("pod")) {
      return new Verdict(Kind.IN_CLUSTER, "a ." + labels[2] + " name");
    }
    return new Verdict(Kind.ACCEPTED, "");
  }

  private static Verdict classify(byte[] a) {
    return a.length == 4 ? classify4(a) : classify6(a);
  }

  private static Verdict classify4(byte[] a) {
    int b0 = a[0] & 0xff;
    int b1 = a[1] & 0xff;
    int b2 = a[2] & 0xff;
    if (b0 == 0) {
      return new Verdict(Kind.NON_ROUTABLE, "unspecified, 0.0.0.0/8");
    }
    if (b0 == 127) {
      return new Verdict(Kind.LOOPBACK, "address (127.0.0.0/8)");
    }
    if (b0 == 169 && b1 == 254) {
      return new Verdict(Kind.LINK_LOCAL, "169.254.0.0/16, e.g. a cloud metadata service");
    }
    if (b0 >= 224 && b0 <= 239) {
      return new Verdict(Kind.NON_ROUTABLE, "multicast, 224.0.0.0/4");
    }
    if (b0 >= 240) {
      return new Verdict(Kind.NON_ROUTABLE, "reserved or broadcast, 240.0.0.0/4");
    }
    if (b0 == 192 && b1 == 0 && (b2 == 0 || b2 == 2) || b0 == 198 && b1 == 51 && b2 == 100
        || b0 == 203 && b1 == 0 && b2 == 113) {
      return new Verdict(Kind.NON_ROUTABLE, "special-purpose or documentation range");
    }
    if (b0 == 198 && (b1 == 18 || b1 == 19)) {
      return new Verdict(Kind.NON_ROUTABLE, "benchmarking, 198.18.0.0/15");
    }
    if (b0 == 10) {
      return new Verdict(Kind.PRIVATE_NETWORK, "10.0.0.0/8");
    }
    if (b0 == 172 && b1 >= 16 && b1 <= 31) {
      return new Verdict(Kind.PRIVATE_NETWORK, "172.16.0.0/12");
    }
    if (b0 == 192 && b1 == 168) {
      return new Verdict(Kind.PRIVATE_NETWORK, "192.168.0.0/16");
    }
    if (b0 == 100 && b1 >= 64 && b1 <= 127) {
      return new Verdict(Kind.PRIVATE_NETWORK, "shared address space, 100.64.0.0/10");
    }
    return new Verdict(Kind.ACCEPTED, "");
  }

  private static Verdict classify6(byte[] a) {
    int w0 = (a[0] & 0xff) << 8 | a[1] & 0xff;
    int w1 = (a[2] & 0xff) << 8 | a[3] & 0xff;
    boolean first96Zero = true;
    for (int i = 0; i < 12; i++) {
      first96Zero &= a[i] == 0;
    }
    boolean allZero = first96Zero && a[12] == 0 && a[13] == 0 && a[14] == 0;
    if (allZero && a[15] == 0) {
      return new Verdict(Kind.NON_ROUTABLE, "unspecified, ::");
    }
    if (allZero && a[15] == 1) {
      return new Verdict(Kind.LOOPBACK, "address (::1)");
    }
    if (first96Zero) {
      return new Verdict(Kind.NON_ROUTABLE, "ipv4-compatible, ::/96");
    }
    if (w0 == 0x64 && w1 == 0xff9b && isZero(a, 4, 12)) {
      // NAT64 reaches the embedded IPv4 address: judge that one
      return classify4(new byte[] {a[12], a[13], a[14], a[15]});
    }
    if (w0 == 0x2002) {
      // 6to4 tunnels to the embedded IPv4 address
      return classify4(new byte[] {a[2], a[3], a[4], a[5]});
    }
    if ((w0 & 0xffc0) == 0xfe80) {
      return new Verdict(Kind.LINK_LOCAL, "fe80::/10");
    }
    if ((w0 & 0xffc0) == 0xfec0) {
      return new Verdict(Kind.NON_ROUTABLE, "site-local, fec0::/10");
    }
    if ((w0 & 0xff00) == 0xff00) {
      return new Verdict(Kind.NON_ROUTABLE, "multicast, ff00::/8");
    }
    if ((w0 & 0xfe00) == 0xfc00) {
      return new Verdict(Kind.PRIVATE_NETWORK, "unique local, fc00::/7");
    }
    if (w0 == 0x64 && w1 == 0xff9b && a[4] == 0 && a[5] == 1) {
      // RFC 8215: a network's own translation prefix, not globally reachable, where the IPv4
      // address sits where that network chose (RFC 6052's /48 to /96): a private network
      return new Verdict(Kind.PRIVATE_NETWORK, "local-use ipv4/ipv6 translation, "
          + "64:ff9b:1::/48");
    }
    if (w0 == 0x5f00) {
      // RFC 9602: segment identifiers of SRv6 routers, no hosts that serve https
      return new Verdict(Kind.NON_ROUTABLE, "srv6 segment identifiers, 5f00::/16");
    }
    // 2001:db8::/32 and 3fff::/20 (RFC 9637); the rest of 3ff0::/12 is global unicast space
    if (w0 == 0x2001 && w1 == 0x0db8 || w0 == 0x3fff && (w1 & 0xf000) == 0) {
      return new Verdict(Kind.NON_ROUTABLE, "documentation range");
    }
    if (w0 == 0x2001 && w1 == 0) {
      return new Verdict(Kind.NON_ROUTABLE, "teredo, 2001::/32");
    }
    if (w0 == 0x2001 && w1 == 0x0002 && isZero(a, 4, 6)) {
      return new Verdict(Kind.NON_ROUTABLE, "benchmarking, 2001:2::/48");
    }
    if (w0 == 0x0100 && isZero(a, 2, 8)) {
      return new Verdict(Kind.NON_ROUTABLE, "discard, 100::/64");
    }
    return new Verdict(Kind.ACCEPTED, "");
  }

  private static boolean isZero(byte[] a, int from, int to) {
    for (int i = from; i < to; i++) {
      if (a[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
