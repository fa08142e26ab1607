package io.promcc.core.model;

import java.net.URI;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A proxy URL's authority read as Go's {@code net/url.Parse} reads it where
 * {@link java.net.URI} finds no server in it: the user information ends at the last {@code @}
 * (a password holding an {@code @} unescaped, which Go takes), and a name may hold an
 * {@code _} ({@code squid_proxy}), which Go takes and {@code URI} does not. Only what Go takes:
 * user information of the characters Go allows in it with valid percent escapes, a host of the
 * characters Go allows in a name or a bracketed IPv6 address, and a port of digits or none.
 *
 * @param rawUserInfo the user information as written, if any (a password: its text is
 *     {@code <secret>})
 * @param host the host, without the brackets of an IPv6 address
 * @param port the port, -1 if none is written
 */
public record GoAuthority(Optional<String> rawUserInfo, String host, int port) {
  /** Go's {@code validUserinfo}, and percent escapes of two hex digits. */
  private static final Pattern USER_INFO =
      Pattern.compile("([A-Za-z0-9\\-._:~!$&'()*+,;=@]|%[0-9A-Fa-f]{2})*");
  /** The characters Go's {@code parseHost} takes in a name (its {@code encodeHost} mode). */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9\\-._~!$&'()*+,;=]+");
  private static final Pattern IPV6 = Pattern.compile("\\[[0-9A-Fa-f:.]+\\]");
  private static final Pattern PORT = Pattern.compile("[0-9]{0,9}");

  /**
   * The authority of {@code uri}: its server's as {@link URI} reads it, else, where {@code URI}
   * finds no server in it (a password with an {@code @}, a name with an {@code _}), as Go's
   * {@code url.Parse} reads it ({@link #parse}); empty where neither finds a host.
   */
  public static Optional<GoAuthority> of(URI uri) {
    String host = uri.getHost();
    if (host != null && !host.isEmpty()) {
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      return Optional.of(new GoAuthority(Optional.ofNullable(uri.getRawUserInfo()), host,
          uri.getPort()));
    }
    return uri.getRawAuthority() == null ? Optional.empty() : parse(uri.getRawAuthority());
  }

  /** {@code authority} (a URL's, raw) as Go reads it; empty where Go would not take it. */
  public static Optional<GoAuthority> parse(String authority) {
    int at = authority.lastIndexOf('@');
    Optional<String> userInfo = at < 0 ? Optional.empty()
        : Optional.of(authority.substring(0, at));
    if (userInfo.isPresent() && !USER_INFO.matcher(userInfo.get()).matches()) {
      return Optional.empty();
    }
    String hostPort = authority.substring(at + 1);
    int colon = hostPort.lastIndexOf(':');
    if (colon < hostPort.lastIndexOf(']')) {
      colon = -1; // a colon of an IPv6 address, no port
    }
    String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
    String port = colon < 0 ? "" : hostPort.substring(colon + 1);
    if (!PORT.matcher(port).matches()) {
      return Optional.empty();
    }
    if (IPV6.matcher(host).matches()) {
      host = host.substring(1, host.length() - 1);
    } else if (!NAME.matcher(host).matches()) {
      return Optional.empty();
    }
    return Optional.of(new GoAuthority(userInfo, host,
        port.isEmpty() ? -1 : Integer.parseInt(port)));
  }

  /** Without the user information, which holds a password: {@code <secret>} if there is one. */
  @Override
  public String toString() {
    return "GoAuthority[rawUserInfo=" + rawUserInfo.map(u -> "<secret>").orElse("none")
        + ", host=" + host + ", port=" + port + "]";
  }
}
