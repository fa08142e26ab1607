package io.promcc.core.model;

import java.net.IDN;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A {@code NO_PROXY} value read as client-go reads it: as Go's
 * {@code golang.org/x/net/http/httpproxy} (behind {@code http.ProxyFromEnvironment}) reads it,
 * and with the CIDR rule that client-go's transport adds in front
 * ({@code NewProxierWithNoProxyCIDR} of {@code k8s.io/apimachinery/pkg/util/net}). Entries are
 * separated by commas, trimmed and lower-cased: {@code *} excludes every host; an IP address
 * ({@code 10.0.0.1}, {@code 2001:db8::1}) that address, with a port ({@code 10.0.0.1:443},
 * {@code [2001:db8::1]:443}) on that port only; a CIDR prefix ({@code 10.0.0.0/8}) the addresses
 * in it; a name ({@code corp.example}) that host and every one under it, with a leading dot or
 * {@code *.} ({@code .corp.example}) those under it only, with a port on that port only; a name
 * never excludes an IP address; a port is compared with the request's as text, as its URL
 * writes it ({@code 08200} is not {@code 8200}). An entry that is none of these is ignored, as
 * Go ignores it.
 * Whether a host is on loopback, which Go never proxies, is {@link #neverProxied}. kube-adapter
 * reads it for the API server, vault-adapter for Vault (without client-go's rule). Immutable.
 */
public final class NoProxy {
  private final Optional<String> all;
  private final List<IpEntry> ips;
  private final List<NameEntry> names;
  private final List<CidrEntry> clientGoCidrs;

  /** An address or CIDR prefix, and its port ("" for any). */
  private record IpEntry(String shown, Optional<byte[]> address, Optional<GoIp.Cidr> cidr,
      String port) {}

  /** A name as a suffix with its leading dot, whether the name itself matches, and its port. */
  private record NameEntry(String shown, String suffix, boolean matchHost, String port) {}

  private record CidrEntry(String shown, GoIp.Cidr cidr) {}

  private NoProxy(Optional<String> all, List<IpEntry> ips, List<NameEntry> names,
      List<CidrEntry> clientGoCidrs) {
    this.all = all;
    this.ips = List.copyOf(ips);
    this.names = List.copyOf(names);
    this.clientGoCidrs = List.copyOf(clientGoCidrs);
  }

  /** {@code value} read as httpproxy's {@code config.init} and client-go's CIDR rule read it. */
  public static NoProxy parse(String value) {
    List<CidrEntry> clientGoCidrs = new ArrayList<>();
    for (String rule : value.split(",", -1)) { // untrimmed, as client-go's rule reads them
      GoIp.parseCidrSloppy(rule).ifPresent(cidr -> clientGoCidrs.add(new CidrEntry(rule, cidr)));
    }
    List<IpEntry> ips = new ArrayList<>();
    List<NameEntry> names = new ArrayList<>();
    for (String written : value.split(",", -1)) {
      String shown = written.strip();
      String entry = shown.toLowerCase(Locale.ROOT);
      if (entry.isEmpty()) {
        continue;
      }
      if (entry.equals("*")) { // Go stops reading here: every host is excluded
        return new NoProxy(Optional.of(shown), List.of(), List.of(), clientGoCidrs);
      }
      Optional<GoIp.Cidr> cidr = GoIp.parseCidr(entry);
      if (cidr.isPresent()) {
        ips.add(new IpEntry(shown, Optional.empty(), cidr, ""));
        continue;
      }
      String host = entry;
      String port = "";
      Optional<String[]> split = splitHostPort(entry);
      if (split.isPresent()) {
        host = split.get()[0];
        port = split.get()[1];
        if (host.isEmpty()) {
          continue; // ":1": no host, ignored
        }
      }
      Optional<byte[]> address = GoIp.parse(host);
      if (address.isPresent()) {
        ips.add(new IpEntry(shown, address, Optional.empty(), port));
        continue;
      }
      if (host.startsWith("*.")) {
        host = host.substring(1);
      }
      boolean matchHost = !host.startsWith(".");
      names.add(new NameEntry(shown, ascii(matchHost ? "." + host : host), matchHost, port));
    }
    return new NoProxy(Optional.empty(), ips, names, clientGoCidrs);
  }

  /**
   * Whether Go never proxies {@code host} whatever the variables say: {@code localhost} or a
   * loopback address (127.0.0.0/8, {@code ::1}).
   */
  public static boolean neverProxied(String host) {
    return host.equals("localhost") || address(host).map(GoIp::isLoopback).orElse(false);
  }

  /**
   * The entry (as written, trimmed) of client-go's CIDR rule that holds {@code host}, if it is
   * an IP address: each entry taken as a CIDR prefix untrimmed, IPv4 fields with leading zeros
   * read as decimal. client-go asks this before Go's reading, and before Go's refusal of
   * {@code HTTP_PROXY} in a CGI environment.
   */
  public Optional<String> clientGoExcluding(String host) {
    Optional<byte[]> address = GoIp.parseSloppy(host);
    if (address.isEmpty()) {
      return Optional.empty();
    }
    return clientGoCidrs.stream().filter(entry -> entry.cidr().contains(address.get()))
        .map(CidrEntry::shown).findFirst();
  }

  /**
   * The entry (as written, trimmed) that excludes {@code host} at {@code port} as Go's
   * {@code useProxy} reads this value, if one does. {@code host} as an http client's URL holds
   * it: lower case, a name in ASCII (punycode), an IPv6 address without brackets or zone.
   *
   * @throws IllegalArgumentException if {@code port} is negative
   */
  public Optional<String> excluding(String host, int port) {
    if (port < 0) {
      throw new IllegalArgumentException("port < 0: " + port);
    }
    return excludingAt(host, Integer.toString(port));
  }

  /**
   * As {@link #excluding(String, int)}, with {@code port} as the request's URL writes it
   * ({@link UrlText#portAsWritten}): Go compares an entry's port with the URL's as text, so
   * that {@code vault.corp:08200} excludes {@code https://vault.corp:08200} and not
   * {@code https://vault.corp:8200}, and {@code vault.corp:8200} the other way round.
   *
   * @throws IllegalArgumentException if {@code port} is not digits
   */
  public Optional<String> excluding(String host, String port) {
    if (!port.matches("[0-9]+")) {
      throw new IllegalArgumentException("port is not digits: " + port);
    }
    return excludingAt(host, port);
  }

  /**
   * The entry (as written, trimmed) that excludes {@code host} at every port, if one does: one
   * without a port. An entry with a port excludes that port only, and one whose port is no
   * port number ({@code vault.corp:-1}) none, as Go compares an entry's port with a request's
   * as text.
   */
  public Optional<String> excludingEveryPort(String host) {
    return excludingAt(host, "");
  }

  /** As {@link #excluding(String, int)} at port {@code at}; "" for entries without a port. */
  private Optional<String> excludingAt(String host, String at) {
    if (all.isPresent()) {
      return all;
    }
    Optional<byte[]> address = address(host);
    if (address.isPresent()) {
      for (IpEntry entry : ips) {
        boolean match = entry.cidr().map(cidr -> cidr.contains(address.get()))
            .orElseGet(() -> Arrays.equals(entry.address().orElseThrow(), address.get())
                && (entry.port().isEmpty() || entry.port().equals(at)));
        if (match) {
          return Optional.of(entry.shown());
        }
      }
      return Optional.empty(); // a name never excludes an address (golang/net, CVE-2025-22870)
    }
    for (NameEntry entry : names) {
      if ((host.endsWith(entry.suffix())
          || (entry.matchHost() && host.equals(entry.suffix().substring(1))))
          && (entry.port().isEmpty() || entry.port().equals(at))) {
        return Optional.of(entry.shown());
      }
    }
    return Optional.empty();
  }

  /**
   * {@code host} as {@code net/netip.ParseAddr} reads it, if it is an address: an IPv6 one's
   * zone ({@code fe80::1%eth0}) is allowed, and no part of the address.
   */
  private static Optional<byte[]> address(String host) {
    int zone = host.indexOf('%');
    int colon = host.indexOf(':');
    return GoIp.parse(colon >= 0 && colon < zone && zone < host.length() - 1
        ? host.substring(0, zone) : host);
  }

  /** Go's {@code net.SplitHostPort}: host (without brackets) and port, if the text has both. */
  private static Optional<String[]> splitHostPort(String text) {
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      return Optional.empty(); // missing port
    }
    String host;
    int noOpen = 0;
    int noClose = 0;
    if (text.startsWith("[")) {
      int end = text.indexOf(']');
      if (end < 0 || end + 1 != colon) {
        return Optional.empty(); // no ']', no port after it, or too many colons
      }
      host = text.substring(1, end);
      noOpen = 1;
      noClose = end + 1;
    } else {
      host = text.substring(0, colon);
      if (host.indexOf(':') >= 0) {
        return Optional.empty(); // too many colons: an IPv6 address without a port
      }
    }
    if (text.indexOf('[', noOpen) >= 0 || text.indexOf(']', noClose) >= 0) {
      return Optional.empty();
    }
    return Optional.of(new String[] {host, text.substring(colon + 1)});
  }

  /** A name's labels in ASCII (punycode), as Go's {@code idnaASCII}; as it is where it fails. */
  private static String ascii(String name) {
    if (name.chars().allMatch(c -> c < 0x80)) {
      return name;
    }
    try {
      List<String> labels = new ArrayList<>();
      for (String label : name.split("\\.", -1)) {
        labels.add(label.isEmpty() ? label : IDN.toASCII(label, IDN.ALLOW_UNASSIGNED));
      }
      return String.join(".", labels).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      return name;
    }
  }
}
