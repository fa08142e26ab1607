package io.promcc.core.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promcc.core.model.ValidationException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A clusters file that holds no YAML value (0 bytes, blanks, comments, a lone document marker)
 * is far more likely a write that failed or a mount not there yet than a wish for no cluster:
 * it is refused, naming the explicit form of an empty list, {@code []}, which is a list of no
 * cluster.
 */
class ClusterListEmptyFileTest {
  @ParameterizedTest
  @ValueSource(strings = {"", "\n", "  \n\t\n", "# all clusters moved\n", "---\n", "--- # x\n",
      "---\n...\n"})
  void aFileOfNoValueIsRefusedNamingTheEmptyList(String text) {
    ValidationException e = assertThrows(ValidationException.class,
        () -> ClusterList.parse(text, "clusters.yml"));

    assertEquals(List.of(ClusterList.NO_VALUE), e.problems());
    assertEquals("clusters file \"clusters.yml\" is invalid (1 problem)\n  - is empty (only blanks "
        + "or comments, no YAML value); a list of no cluster is written []", e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"[]", "[]\n", "# none for now\n[]\n", "--- []\n", "~\n", "null\n"})
  void anEmptyListOrANullWrittenOutIsAListOfNoCluster(String text) {
    assertEquals(List.of(), ClusterList.parse(text, "clusters.yml"));
  }
}
