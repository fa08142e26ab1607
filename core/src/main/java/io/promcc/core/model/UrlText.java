package io.promcc.core.model;

/** URL text as it may be shown to a user: never with the credentials someone put into it. */
public final class UrlText {
  private UrlText() {}

  /**
   * {@code url} with everything before the last {@code @} of its authority replaced by
   * {@code <redacted>}: {@code http://<redacted>@host:9090/}. Works on the text itself, so also
   * where {@link java.net.URI} finds no user information (a host with {@code _}, a port that is
   * no number) or no URL at all; a text without a scheme is read as starting with its authority.
   */
  public static String withoutUserInfo(String url) {
    int scheme = url.indexOf("://");
    int start = scheme < 0 ? 0 : scheme + 3;
    int end = start;
    while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
      end++;
    }
    int at = url.lastIndexOf('@', end - 1);
    if (at < start) {
      return url;
    }
    return url.substring(0, start) + "<redacted>" + url.substring(at);
  }
}
