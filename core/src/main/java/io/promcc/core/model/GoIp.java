package io.promcc.core.model;

import java.util.Arrays;
import java.util.Optional;

/**
 * IP address literals and CIDR prefixes read as Go reads them, never looked up in DNS: strictly
 * as {@code net/netip.ParseAddr} and {@code net.ParseCIDR} (an IPv4 address of four decimal
 * fields without leading zeros, IPv6 with one {@code ::} and an IPv4 tail), or sloppily as
 * Kubernetes' {@code ParseIPSloppy} and {@code ParseCIDRSloppy} (Go's older parser: IPv4 fields
 * with leading zeros, read as decimal). A zone ({@code fe80::1%eth0}) is refused, as
 * {@code net.ParseIP} and {@code net.ParseCIDR} refuse one. An address is 16 bytes, an IPv4 one
 * as {@code ::ffff:a.b.c.d}, as Go's {@code net.IP} holds it, so that the two forms of one IPv4
 * address compare equal as they do in Go. Stateless.
 */
final class GoIp {
  private GoIp() {}

  /** A CIDR prefix: {@code bits} of {@code network} (16 bytes, masked) count. Immutable. */
  static final class Cidr {
    private final byte[] network;
    private final int bits;

    private Cidr(byte[] network, int bits) {
      this.network = network;
      this.bits = bits;
    }

    /**
     * Whether {@code address} (16 bytes) is in this prefix, as Go's {@code IPNet.Contains}: an
     * IPv4 prefix holds IPv4 addresses only, an IPv6 one IPv6 addresses only.
     */
    boolean contains(byte[] address) {
      if (isV4(network) != isV4(address)) {
        return false;
      }
      for (int bit = 0; bit < bits; bit++) {
        int mask = 0x80 >>> (bit % 8);
        if ((network[bit / 8] & mask) != (address[bit / 8] & mask)) {
          return false;
        }
      }
      return true;
    }
  }

  /** {@code text} as {@code net/netip.ParseAddr} reads it, without a zone. */
  static Optional<byte[]> parse(String text) {
    return parse(text, false);
  }

  /** {@code text} as Kubernetes' {@code ParseIPSloppy} reads it (leading zeros taken). */
  static Optional<byte[]> parseSloppy(String text) {
    return parse(text, true);
  }

  /** {@code text} ({@code address/bits}) as {@code net.ParseCIDR} reads it. */
  static Optional<Cidr> parseCidr(String text) {
    return parseCidr(text, false);
  }

  /** {@code text} as Kubernetes' {@code ParseCIDRSloppy} reads it (leading zeros taken). */
  static Optional<Cidr> parseCidrSloppy(String text) {
    return parseCidr(text, true);
  }

  /** Whether {@code address} (16 bytes) is an IPv4 one, as Go's {@code To4() != nil}. */
  static boolean isV4(byte[] address) {
    for (int i = 0; i < 10; i++) {
      if (address[i] != 0) {
        return false;
      }
    }
    return address[10] == (byte) 0xff && address[11] == (byte) 0xff;
  }

  /** Go's {@code IsLoopback}: 127.0.0.0/8 or {@code ::1}. */
  static boolean isLoopback(byte[] address) {
    if (isV4(address)) {
      return address[12] == 127;
    }
    byte[] one = new byte[16];
    one[15] = 1;
    return Arrays.equals(one, address);
  }

  private static Optional<Cidr> parseCidr(String text, boolean sloppy) {
    int slash = text.indexOf('/');
    if (slash < 0) {
      return Optional.empty();
    }
    String address = text.substring(0, slash);
    Optional<byte[]> parsed = parse(address, sloppy);
    int length = firstOf(address, '.', ':') == '.' ? 32 : 128;
    int bits = decimal(text.substring(slash + 1));
    if (parsed.isEmpty() || bits < 0 || bits > length) {
      return Optional.empty();
    }
    byte[] network = parsed.get();
    int counted = bits + 128 - length; // an IPv4 prefix's bits follow the 96 of ::ffff:
    for (int bit = counted; bit < 128; bit++) {
      network[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
    }
    return Optional.of(new Cidr(network, counted));
  }

  /** Go's {@code dtoi} over the whole text: decimal digits, at least one; -1 if not. */
  private static int decimal(String text) {
    if (text.isEmpty()) {
      return -1;
    }
    int value = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
      if (value >= 0xFFFFFF) { // dtoi's bound
        return -1;
      }
    }
    return value;
  }

  private static char firstOf(String text, char a, char b) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == a || text.charAt(i) == b) {
        return text.charAt(i);
      }
    }
    return 0;
  }

  private static Optional<byte[]> parse(String text, boolean sloppy) {
    char first = firstOf(text, '.', ':');
    if (first == '.') {
      return ipv4(text, 0, sloppy).map(GoIp::mapped);
    }
    return first == ':' ? ipv6(text, sloppy) : Optional.empty();
  }

  private static byte[] mapped(byte[] ipv4) {
    byte[] address = new byte[16];
    address[10] = (byte) 0xff;
    address[11] = (byte) 0xff;
    System.arraycopy(ipv4, 0, address, 12, 4);
    return address;
  }

  /** Four decimal fields of 0 to 255 from {@code from} to the end; 4 bytes. */
  private static Optional<byte[]> ipv4(String text, int from, boolean sloppy) {
    byte[] fields = new byte[4];
    int field = 0;
    int value = 0;
    int digits = 0;
    for (int i = from; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= '0' && c <= '9') {
        if (digits == 1 && value == 0 && !sloppy) {
          return Optional.empty(); // netip: "IPv4 field has octet with leading zero"
        }
        value = value * 10 + (c - '0');
        digits++;
        if (value > 255) {
          return Optional.empty();
        }
      } else if (c == '.' && digits > 0 && field < 3) {
        fields[field++] = (byte) value;
        value = 0;
        digits = 0;
      } else {
        return Optional.empty();
      }
    }
    if (field != 3 || digits == 0) {
      return Optional.empty();
    }
    fields[3] = (byte) value;
    return Optional.of(fields);
  }

  /** netip's {@code parseIPv6}, without a zone; 16 bytes. */
  private static Optional<byte[]> ipv6(String text, boolean sloppy) {
    if (text.indexOf('%') >= 0) {
      return Optional.empty();
    }
    byte[] address = new byte[16];
    int ellipsis = -1;
    int at = 0;
    if (text.startsWith("::")) {
      ellipsis = 0;
      at = 2;
      if (at == text.length()) {
        return Optional.of(address);
      }
    }
    int i = 0;
    while (i < 16) {
      int digits = 0;
      int value = 0;
      for (; at + digits < text.length(); digits++) {
        int digit = hex(text.charAt(at + digits));
        if (digit < 0) {
          break;
        }
        if (digits == 4) {
          return Optional.empty(); // at most 4 hex digits a field
        }
        value = (value << 4) + digit;
      }
      if (digits == 0) {
        return Optional.empty();
      }
      if (at + digits < text.length() && text.charAt(at + digits) == '.') {
        // an IPv4 tail: in place of the last two fields, or after a ::
        if ((ellipsis < 0 && i != 12) || i + 4 > 16) {
          return Optional.empty();
        }
        Optional<byte[]> tail = ipv4(text, at, sloppy);
        if (tail.isEmpty()) {
          return Optional.empty();
        }
        System.arraycopy(tail.get(), 0, address, i, 4);
        at = text.length();
        i += 4;
        break;
      }
      address[i] = (byte) (value >> 8);
      address[i + 1] = (byte) value;
      i += 2;
      at += digits;
      if (at == text.length()) {
        break;
      }
      if (text.charAt(at) != ':' || at + 1 == text.length()) {
        return Optional.empty();
      }
      at++;
      if (text.charAt(at) == ':') {
        if (ellipsis >= 0) {
          return Optional.empty(); // a second ::
        }
        ellipsis = i;
        at++;
        if (at == text.length()) {
          break;
        }
      }
    }
    if (at != text.length()) {
      return Optional.empty();
    }
    if (i < 16) {
      if (ellipsis < 0) {
        return Optional.empty();
      }
      int n = 16 - i;
      for (int j = i - 1; j >= ellipsis; j--) {
        address[j + n] = address[j];
      }
      Arrays.fill(address, ellipsis, ellipsis + n, (byte) 0);
    } else if (ellipsis >= 0) {
      return Optional.empty(); // a :: must stand for one field of zeros at least
    }
    return Optional.of(address);
  }

  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
  }
}
