package io.promcc.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * IP literals and CIDR prefixes are read as Go's {@code net/netip} and {@code net} read them
 * (strict) and as Kubernetes' sloppy parsers do, never looked up.
 */
class GoIpTest {
  private static byte[] bytes(String hex) {
    return HexFormat.of().parseHex(hex);
  }

  @Test
  void addressesAreSixteenBytesAnIpv4OneMapped() {
    assertArrayEquals(bytes("00000000000000000000ffff0a600001"),
        GoIp.parse("10.96.0.1").orElseThrow());
    assertArrayEquals(GoIp.parse("10.96.0.1").orElseThrow(),
        GoIp.parse("::ffff:10.96.0.1").orElseThrow());
    assertArrayEquals(bytes("20010db8000000000000005200000001"),
        GoIp.parse("2001:db8::52:0:1").orElseThrow());
    assertArrayEquals(bytes("00000000000000000000000000000000"), GoIp.parse("::").orElseThrow());
    assertArrayEquals(bytes("00010000000000000000000000000000"), GoIp.parse("1::").orElseThrow());
    assertArrayEquals(bytes("00000000000000000000000001020304"),
        GoIp.parse("::1.2.3.4").orElseThrow());
  }

  @Test
  void whatNetipRefusesIsNoAddress() {
    for (String text : List.of("", "localhost", "1", "1.2.3", "1.2.3.4.5", "256.0.0.1",
        "010.0.0.1", "1.2.3.4 ", "1..2.3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::",
        "1::2::3", "12345::", "1:2:3:4:5:6:7", ":1::", "1:", "fe80::1%eth0", "1.2.3.4:80",
        "[::1]", "::ffff:010.0.0.1", "1:2:3:4:5:6:7:1.2.3.4")) {
      assertEquals(Optional.empty(), GoIp.parse(text).map(HexFormat.of()::formatHex), text);
    }
  }

  @Test
  void theSloppyReadingTakesLeadingZerosAsDecimal() {
    assertArrayEquals(GoIp.parse("10.96.0.1").orElseThrow(),
        GoIp.parseSloppy("010.096.000.001").orElseThrow());
    assertEquals(Optional.empty(), GoIp.parseSloppy("0256.0.0.1"));
  }

  @Test
  void loopbackIs127Over8AndTheIpv6One() {
    assertTrue(GoIp.isLoopback(GoIp.parse("127.255.0.9").orElseThrow()));
    assertTrue(GoIp.isLoopback(GoIp.parse("::ffff:127.0.0.1").orElseThrow()));
    assertTrue(GoIp.isLoopback(GoIp.parse("::1").orElseThrow()));
    assertFalse(GoIp.isLoopback(GoIp.parse("::2").orElseThrow()));
    assertFalse(GoIp.isLoopback(GoIp.parse("128.0.0.1").orElseThrow()));
  }

  @Test
  void aPrefixHoldsTheAddressesOfItsFamilyAsGosIpNetContains() {
    GoIp.Cidr v4 = GoIp.parseCidr("10.0.0.1/30").orElseThrow(); // masked: 10.0.0.0/30
    assertTrue(v4.contains(GoIp.parse("10.0.0.3").orElseThrow()));
    assertTrue(v4.contains(GoIp.parse("::ffff:10.0.0.2").orElseThrow()));
    assertFalse(v4.contains(GoIp.parse("10.0.0.4").orElseThrow()));

    GoIp.Cidr any6 = GoIp.parseCidr("::/0").orElseThrow();
    assertTrue(any6.contains(GoIp.parse("2001:db8::1").orElseThrow()));
    assertFalse(any6.contains(GoIp.parse("1.2.3.4").orElseThrow()));
    assertTrue(GoIp.parseCidr("::ffff:0:0/96").orElseThrow()
        .contains(GoIp.parse("1.2.3.4").orElseThrow()));

    for (String text : List.of("10.0.0.0", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/8x",
        "::/129", "fe80::/10%eth0", "010.0.0.0/8")) {
      assertEquals(Optional.empty(), GoIp.parseCidr(text).map(Object::toString), text);
    }
    assertTrue(GoIp.parseCidr("10.0.0.0/008").isPresent()); // dtoi takes leading zeros
    assertTrue(GoIp.parseCidrSloppy("010.0.0.0/8").isPresent());
  }
}
