package io.promcc.core.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.resolver.JsonScalarResolver;

/**
 * The JSON schema's resolver without its matchers for text resolves every scalar as
 * snakeyaml's own does: each first character, alone and followed by the forms the schema
 * knows, written plain and not.
 */
class JsonResolverTest {
  @Test
  void resolvesEveryScalarAsSnakeyamlsOwnResolverDoes() {
    List<String> scalars = new ArrayList<>(List.of("", "null", "true", "false", "nullx",
        "truex", "0", "-1", "1.5", "-1.5e3", ".5", "1e3", "0x10", "${X}", "${X:-y}", "$1", "~",
        "Null", "yes", "job_name", "targets", "n", "t", "f"));
    for (char first = 0; first < 256; first++) {
      for (String rest : List.of("", "x", "1", ".5", "ull", "rue", "alse", "{X}", "_a b")) {
        scalars.add(first + rest);
      }
    }
    JsonScalarResolver snakeyaml = new JsonScalarResolver();
    JsonResolver resolver = new JsonResolver();
    for (String scalar : scalars) {
      for (boolean implicit : List.of(true, false)) {
        assertEquals(snakeyaml.resolve(scalar, implicit), resolver.resolve(scalar, implicit),
            "\"" + scalar + "\" implicit " + implicit);
      }
    }
  }

  /**
   * Where snakeyaml tries other patterns for any first character (another version of it), every
   * scalar is left to snakeyaml: two patterns of another kind turned the shortcut on as well.
   */
  @Test
  void otherPatternsForAnyFirstCharacterLeaveEveryScalarToSnakeyaml() {
    String empty = "Tuple tag=" + Tag.NULL + " regexp=^$";
    String nullWord = "Tuple tag=" + Tag.NULL + " regexp=^(?:null)$";

    assertTrue(new JsonResolver().skipsPatterns(), "snakeyaml's own table");
    assertTrue(JsonResolver.onlyEmptyAndNull(List.of(empty, nullWord)));
    assertFalse(JsonResolver.onlyEmptyAndNull(List.of(empty, "Tuple tag=" + Tag.STR
        + " regexp=^[a-z].*$")));
    assertFalse(JsonResolver.onlyEmptyAndNull(List.of(nullWord, empty)));
    assertFalse(JsonResolver.onlyEmptyAndNull(List.of(empty)));
    assertFalse(JsonResolver.onlyEmptyAndNull(null));
  }
}
