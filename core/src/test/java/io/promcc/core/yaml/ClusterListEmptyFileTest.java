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

  /**
   * What else a failed write, an editor or another system leaves of no value: a byte order mark
   * alone, Windows' line ends, a comment on the line after the document marker, a directive.
   */
  @ParameterizedTest
  @ValueSource(strings = {"\uFEFF", "\uFEFF# all moved\n", "\r\n\r\n", " \r\n# x\r\n",
      "---\n# all moved\n", "%YAML 1.2\n---\n", "\r"})
  void aFileOfNoValueInOtherFormsIsRefusedToo(String text) {
    ValidationException e = assertThrows(ValidationException.class,
        () -> ClusterList.parse(text, "clusters.yml"));

    assertEquals(List.of(ClusterList.NO_VALUE), e.problems());
  }

  /** An entry cut to its dash is no empty file: refused for what it is. */
  @Test
  void aLoneDashIsAnEntryNotAnEmptyFile() {
    ValidationException e = assertThrows(ValidationException.class,
        () -> ClusterList.parse("- \n", "clusters.yml"));

    assertEquals(List.of("clusters[0] must be a mapping"), e.problems());
  }

  @ParameterizedTest
  @ValueSource(strings = {"[]", "[]\n", "# none for now\n[]\n", "--- []\n", "\uFEFF[]\n",
      "[] # none for now\r\n"})
  void anEmptyListWrittenOutIsAListOfNoCluster(String text) {
    assertEquals(List.of(), ClusterList.parse(text, "clusters.yml"));
  }

  /**
   * A null written out is what a generator leaves for a list it did not find ({@code yq} of a
   * missing key, a template of an unset value): no wish for no cluster either, refused naming
   * the empty list.
   */
  @ParameterizedTest
  @ValueSource(strings = {"~\n", "null\n", "Null", "NULL\n", "--- ~\n", "!!null ''\n",
      "&none\n", "# none for now\nnull\n"})
  void aNullWrittenOutIsRefusedNamingTheEmptyList(String text) {
    ValidationException e = assertThrows(ValidationException.class,
        () -> ClusterList.parse(text, "clusters.yml"));

    assertEquals(List.of(ClusterList.NULL_VALUE), e.problems());
    assertEquals("clusters file \"clusters.yml\" is invalid (1 problem)\n  - is null (~ or "
        + "null), not a list; a list of no cluster is written []", e.getMessage());
  }
}
