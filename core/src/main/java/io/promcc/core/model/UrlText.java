package io.promcc.core.model;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/** URL text as it may be shown to a user: never with the credentials someone put into it. */
public final class UrlText {
  private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*");
  private static final Pattern DIGITS = Pattern.compile("[0-9]+");

  private UrlText() {}

  /**
   * {@code url} with everything between its scheme and its last {@code @} replaced by
   * {@code <redacted>}: {@code http://<redacted>@host:9090/}. Works on the text itself, so also
   * where {@link java.net.URI} finds no user information: a host with {@code _}, a port that is no
   * number, a password typed with an unescaped {@code /}, {@code ?} or {@code #} (which end the
   * authority for a URL parser), one slash after the scheme, or no URL at all. An {@code @}
   * further on (in a path, say) is taken for the end of user information too: more is hidden
   * than needed, never less. A text without {@code scheme:/} is read as starting with its
   * authority.
   */
  public static String withoutUserInfo(String url) {
    int colon = url.indexOf(':');
    int start = 0;
    if (colon > 0 && colon + 1 < url.length() && url.charAt(colon + 1) == '/'
        && SCHEME.matcher(url).region(0, colon).matches()) {
      start = colon + 1;
      while (start < url.length() && url.charAt(start) == '/') {
        start++;
      }
    }
    int at = url.lastIndexOf('@');
    if (at < start) {
      return url;
    }
    return url.substring(0, start) + "<redacted>" + url.substring(at);
  }

  /** {@code uri}'s host as a socket takes it: without an IPv6 address's brackets. */
  public static String socketHost(URI uri) {
    String host = String.valueOf(uri.getHost());
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1)
        : host;
  }

  /** {@code uri}'s port, else its scheme's default: 443 for https, 80 for any other. */
  public static int portOrDefault(URI uri) {
    return uri.getPort() >= 0 ? uri.getPort()
        : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  /**
   * The text of {@code port}, the port of {@code url} (or its scheme's default), as the URL
   * writes it: {@code 08200} for {@code https://vault.corp:08200}, as Go's {@code url.Port()}
   * gives it and {@code httpproxy} compares it with a {@code NO_PROXY} entry's. The digits after
   * the last colon of the authority (after its user information, outside an IPv6 address's
   * brackets) where they are that number; else (none written, or not found so in the text)
   * {@code port} in decimal.
   */
  public static String portAsWritten(String url, int port) {
    String number = Integer.toString(port);
    int slashes = url.indexOf("://");
    if (slashes < 0) {
      return number;
    }
    int start = slashes + 3;
    int end = start;
    while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
      end++;
    }
    String authority = url.substring(start, end);
    String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
    int colon = hostPort.lastIndexOf(':');
    if (colon < 0 || colon < hostPort.lastIndexOf(']')) {
      return number;
    }
    String written = hostPort.substring(colon + 1);
    return DIGITS.matcher(written).matches()
        && written.replaceFirst("^0+(?=.)", "").equals(number) ? written : number;
  }

  /**
   * A proxy variable's {@code value} as Go's {@code httpproxy} reads it: a text without a scheme
   * and host ({@code proxy.corp:3128}) is read as {@code http://} and the text where that makes
   * a URL; anything else is {@code value} as it is (for the caller to refuse, if it must).
   */
  public static String proxyUrl(String value) {
    return !hasSchemeAndHost(value) && isUri("http://" + value) ? "http://" + value : value;
  }

  private static boolean hasSchemeAndHost(String text) {
    try {
      URI uri = new URI(text);
      return uri.getScheme() != null && uri.getRawAuthority() != null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private static boolean isUri(String text) {
    try {
      new URI(text);
      return true;
    } catch (URISyntaxException e) {
      return false;
    }
  }
}
