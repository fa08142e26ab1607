package io.promcc.core.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promcc.core.model.ValidationException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A value tagged {@code !!int} is what Prometheus' YAML (go-yaml v2) makes of it. */
class YamlIntTagTest {
  /** Go reads 08 as no octal integer but the float 8: promtool 2.53.3 refuses it tagged int. */
  @Test
  void anIntTagOnALeadingZeroThatIsNoOctalIsRefusedInPrometheusWords() {
    ValidationException e = assertThrows(ValidationException.class,
        () -> YamlReader.readMapping("port: !!int 08\n", "p.yml"));
    assertEquals(List.of("invalid yaml at line 1, column 7: cannot decode !!float `08` as a "
        + "!!int"), e.problems());
  }
}
