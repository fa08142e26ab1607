package io.promcc.core.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
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
}
