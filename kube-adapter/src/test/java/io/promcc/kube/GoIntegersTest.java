package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1Service;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * An integer field read as Go's {@code encoding/json} reads a number into one ({@link
 * GoIntegers}), from a response's text (a list, a Lease) and from a tree (a watch event's
 * object).
 */
class GoIntegersTest {
  private static final String SERVICE = "{\"metadata\":{\"name\":\"a\",\"generation\":7},"
      + "\"spec\":{\"ports\":[{\"port\":443}]}}";
  private static final String LEASE = "{\"metadata\":{\"name\":\"l\"},\"spec\":{"
      + "\"leaseDurationSeconds\":15,\"leaseTransitions\":3}}";

  /** Reads {@code json} from its text, as a list is read, and from a tree, as an event is. */
  private static <T> List<Function<String, T>> readers(Class<T> type) {
    return List.of(json -> TolerantJson.read(json, type),
        json -> TolerantJson.gson().fromJson(JsonParser.parseString(json), type));
  }

  private static int port(V1Service service) {
    return service.getSpec().getPorts().get(0).getPort();
  }

  /** {@code -0} is 0 (Go's strconv.ParseInt takes it), and a negative number is read. */
  @Test
  void minusZeroIsZeroAndANegativeNumberIsRead() {
    for (Function<String, V1Service> read : readers(V1Service.class)) {
      assertEquals(0, port(read.apply(SERVICE.replace("443", "-0"))));
      assertEquals(-2147483648, port(read.apply(SERVICE.replace("443", "-2147483648"))));
      assertEquals(0L, read.apply(SERVICE.replace("7", "-0")).getMetadata().getGeneration());
      assertEquals(Long.MIN_VALUE, read.apply(SERVICE.replace("7", "-9223372036854775808"))
          .getMetadata().getGeneration());
    }
  }

  /** A Lease's int32 fields take only an integer in range too, as client-go reads a Lease. */
  @Test
  void aLeasesIntegerFieldsTakeOnlyAnIntegerInRange() {
    for (Function<String, V1Lease> read : readers(V1Lease.class)) {
      assertEquals(15, read.apply(LEASE).getSpec().getLeaseDurationSeconds());
      assertEquals(3, read.apply(LEASE).getSpec().getLeaseTransitions());
      for (String refused : List.of(LEASE.replace("15", "\"15\""), LEASE.replace("15", "15.0"),
          LEASE.replace("3}", "3e0}"), LEASE.replace("3}", "2147483648}"))) {
        assertThrows(JsonParseException.class, () -> read.apply(refused), refused);
      }
    }
  }

  /**
   * A huge exponent is refused at once: its text is parsed as an integer literal, never as a
   * BigDecimal made whole (Gson's reading from a tree takes that path for a number that is no
   * long: {@code 1e999999999} would be a billion digits).
   */
  @Test
  void aHugeExponentIsRefusedAtOnce() {
    for (Function<String, V1Service> read : readers(V1Service.class)) {
      for (String huge : List.of("1e999999999", "-1E+999999999", "1e-999999999")) {
        JsonParseException refused = assertTimeoutPreemptively(Duration.ofSeconds(30),
            () -> assertThrows(JsonParseException.class,
                () -> read.apply(SERVICE.replace("443", huge))), huge);

        assertEquals("Expected an int32 but was NUMBER " + huge + " at path $.spec.ports[0].port",
            refused.getMessage());
      }
    }
  }

  /**
   * A number too long to quote whole is cut to its first 64 characters, and the cut is marked
   * ({@code ...}), so that the message does not show another number than the one sent.
   */
  @Test
  void aLongNumberIsQuotedCutAndMarkedSo() {
    String digits = "1234567890".repeat(10);
    for (Function<String, V1Service> read : readers(V1Service.class)) {
      JsonParseException refused = assertThrows(JsonParseException.class,
          () -> read.apply(SERVICE.replace("443", digits)));

      assertEquals("Expected an int32 but was NUMBER " + digits.substring(0, 64)
          + "... at path $.spec.ports[0].port", refused.getMessage());
    }
    String sixtyFour = digits.substring(0, 64);
    assertEquals("Expected an int32 but was NUMBER " + sixtyFour
        + " at path $.spec.ports[0].port", assertThrows(JsonParseException.class,
            () -> TolerantJson.read(SERVICE.replace("443", sixtyFour), V1Service.class))
            .getMessage());
  }

  /** A leading zero is no JSON: refused by the reader, as Go's scanner refuses it. */
  @Test
  void aLeadingZeroIsNoJson() {
    for (String zero : List.of("0443", "-0443", "00")) {
      assertThrows(JsonParseException.class,
          () -> TolerantJson.read(SERVICE.replace("443", zero), V1Service.class), zero);
    }
  }
}
