package io.promcc.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A proxy URL's authority is read as Go's {@code url.Parse} reads it, and only what it takes. */
class GoAuthorityTest {
  @Test
  void theLastAtSignEndsTheUserInformation() {
    assertEquals(Optional.of(new GoAuthority(Optional.of("jo:s3c@ret"), "p.corp", 3128)),
        GoAuthority.parse("jo:s3c@ret@p.corp:3128"));
    assertEquals(Optional.of(new GoAuthority(Optional.of("jo%40corp:s3c@ret"), "p", -1)),
        GoAuthority.parse("jo%40corp:s3c@ret@p"));
  }

  @Test
  void aNameMayHoldAnUnderscoreAndAnIpv6AddressItsBrackets() {
    assertEquals(Optional.of(new GoAuthority(Optional.empty(), "squid_proxy", 3128)),
        GoAuthority.parse("squid_proxy:3128"));
    assertEquals(Optional.of(new GoAuthority(Optional.empty(), "fd00::1", 3128)),
        GoAuthority.parse("[fd00::1]:3128"));
    assertEquals(Optional.of(new GoAuthority(Optional.empty(), "squid_proxy", -1)),
        GoAuthority.parse("squid_proxy:"));
  }

  @Test
  void whatGoRefusesIsNotTaken() {
    for (String refused : new String[] {"p:x", "jo:s3%zz@p", "jo:s3%4@p", ":3128", "jo@", "",
        "jo:s3cret@p/q", "p q", "jo:s3c ret@p", "[fd00::1"}) {
      assertEquals(Optional.empty(), GoAuthority.parse(refused), refused);
    }
  }

  /** Its text, wherever it ends up (a log line, an assertion's message), holds no password. */
  @Test
  void itsTextShowsNoUserInformation() {
    String text = GoAuthority.parse("jo:s3c@ret@p.corp:3128").orElseThrow().toString();

    assertFalse(text.contains("s3c") || text.contains("ret@") || text.contains("jo:"), text);
    assertEquals("GoAuthority[rawUserInfo=<secret>, host=p.corp, port=3128]", text);
  }
}
