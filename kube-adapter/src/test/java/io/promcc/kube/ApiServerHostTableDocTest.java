package io.promcc.kube;

import static io.promcc.kube.TestServices.guest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.openapi.models.V1Service;
import io.promcc.kube.ServiceMapping.Outcome;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/kube-adapter.md's table of the hosts an explicit API server URL may name is what the
 * Service mapping does: every range a row names (an address inside it) and every host it gives
 * as an example is accepted or refused with the row's reason, by default and, for private
 * networks, with {@code allowPrivateNetworkApiServers: false}. HostileServicesTest pins the
 * mapping's verdicts; this, that the operator's table says them.
 */
class ApiServerHostTableDocTest {
  /** A row of the table: {@code | hosts | accepted or refused | `reason` or nothing |}. */
  private static final Pattern ROW =
      Pattern.compile("(?m)^\\| (.+) \\| (accepted|refused) \\| (?:`([a-z-]+)`.*)?\\|$");
  /** A range as the table writes it: {@code 10/8}, {@code 172.16/12}, {@code fc00::/7}. */
  private static final Pattern RANGE =
      Pattern.compile("(?<![\\w:.])(\\d{1,3}(?:\\.\\d{1,3}){0,3}|[0-9a-f:]*::[0-9a-f:]*)"
          + "/(\\d+)");
  /** A host the table gives as an example: a backquoted name or number, no placeholder. */
  private static final Pattern EXAMPLE = Pattern.compile("`(\\*?[0-9a-zA-Z][0-9a-zA-Z.]*)`");

  private static V1Service withUrl(String url) {
    V1Service service = guest("abc12");
    service.getMetadata().getAnnotations()
        .put(DiscoverySettings.DEFAULT_API_SERVER_URL_ANNOTATION, url);
    return service;
  }

  /** The reason {@code mapping} refuses {@code host} with, or "accepted". */
  private static String verdict(ServiceMapping mapping, String host) {
    String url = "https://" + (host.contains(":") ? "[" + host + "]" : host);
    Outcome outcome = mapping.map(withUrl(url));
    return outcome instanceof Outcome.Rejected rejected ? rejected.rejection().reason()
        : "accepted";
  }

  /**
   * An address inside the range {@code base/bits}: the base with its host bits taken from
   * 10.0.0.1 (so 10/8 is 10.0.0.1 and ::/96 is ::10.0.0.1, neither the base nor ::1).
   */
  static String inside(String base, int bits) throws IOException {
    StringBuilder full = new StringBuilder(base);
    for (int i = base.contains(":") ? 4 : base.split("\\.").length; i < 4; i++) {
      full.append(".0");
    }
    byte[] bytes = InetAddress.getByName(full.toString()).getAddress();
    int length = bytes.length * 8;
    BigInteger hostMask = BigInteger.ONE.shiftLeft(length - bits).subtract(BigInteger.ONE);
    BigInteger value = new BigInteger(1, bytes).andNot(hostMask)
        .or(BigInteger.valueOf(0x0a000001L).and(hostMask));
    byte[] raw = value.toByteArray();
    byte[] address = new byte[bytes.length];
    int copy = Math.min(raw.length, address.length);
    System.arraycopy(raw, raw.length - copy, address, address.length - copy, copy);
    return InetAddress.getByAddress(address).getHostAddress();
  }

  @Test
  void everyRangeAndExampleOfTheTableIsJudgedAsItsRowSays() throws IOException {
    String doc = Files.readString(Path.of("..", "docs", "kube-adapter.md"));
    int start = doc.indexOf("### Explicit API server URLs");
    String table = doc.substring(start, doc.indexOf("\n\n", doc.indexOf("| host |", start)));
    ServiceMapping byDefault = new ServiceMapping(DiscoverySettings.defaults());
    ServiceMapping strict = new ServiceMapping(
        DiscoverySettings.builder().allowPrivateNetworkApiServers(false).build());
    List<String> wrong = new ArrayList<>();
    int judged = 0;
    Matcher row = ROW.matcher(table);
    while (row.find()) {
      List<String> hosts = new ArrayList<>();
      Matcher range = RANGE.matcher(row.group(1));
      while (range.find()) {
        hosts.add(inside(range.group(1), Integer.parseInt(range.group(2))));
      }
      Matcher example = EXAMPLE.matcher(row.group(1));
      while (example.find()) {
        hosts.add(example.group(1).replace("*", "api"));
      }
      String refused = row.group(3) == null ? "accepted" : row.group(3);
      for (String host : hosts) {
        judged++;
        String expected = row.group(2).equals("refused") ? refused : "accepted";
        if (!verdict(byDefault, host).equals(expected)) {
          wrong.add(host + ": " + verdict(byDefault, host) + ", the table says " + expected);
        }
        if (row.group(2).equals("accepted") && !verdict(strict, host).equals(refused)) {
          wrong.add(host + " with allowPrivateNetworkApiServers: false: "
              + verdict(strict, host) + ", the table says " + refused);
        }
      }
    }

    assertEquals(List.of(), wrong);
    assertTrue(judged >= 20, "only " + judged + " hosts read from the table: has it moved?");
  }
}
