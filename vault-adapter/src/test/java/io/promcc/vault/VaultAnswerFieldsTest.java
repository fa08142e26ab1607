package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.jopenlibs.vault.json.Json;
import io.github.jopenlibs.vault.json.JsonObject;
import org.junit.jupiter.api.Test;

class VaultAnswerFieldsTest {
  @Test
  void aFieldOfTheWrongShapeIsNamedWithItsValue() {
    JsonObject answer = Json.parse("{\"renewable\":\"yes\"}").asObject();

    VaultRequestException e = assertThrows(VaultRequestException.class,
        () -> VaultAnswerFields.flag(answer, "renewable", "login"));

    assertEquals("unexpected answer from vault to login: renewable \"yes\" is not true or false",
        e.getMessage());
  }

  /** The value is shown up to 40 characters; an emoji across the cut is left out whole. */
  @Test
  void aLongValueIsCutBetweenCharacters() {
    // the value's JSON text: a quote, 38 letters, then the emoji's two chars across the cut
    JsonObject answer = Json.parse("{\"ttl\":\"" + "a".repeat(38) + "\uD83D\uDE00\"}").asObject();

    VaultRequestException e = assertThrows(VaultRequestException.class,
        () -> VaultAnswerFields.seconds(answer, "ttl", "login"));

    assertEquals("unexpected answer from vault to login: ttl \"" + "a".repeat(38)
        + "... is not a whole number of seconds up to 100 years", e.getMessage());
  }
}
