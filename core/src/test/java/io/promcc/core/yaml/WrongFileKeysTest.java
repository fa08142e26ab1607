package io.promcc.core.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promcc.core.model.ValidationException;
import io.promcc.core.plan.ScrapeProfile;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A wrong file given as a profile or a clusters file ({@code /etc/shadow}) shows none of its
 * text: a key that looks like no name (longer than 40 characters, or any character but a
 * letter, a digit, {@code _}, {@code -}, {@code .} or {@code +}) is named by its line and
 * length, where each line of the file, a password hash in it, was printed as a field not
 * found; so is such a key written twice, and such an alias. A key that looks like a name is
 * still quoted, to be told from the field meant; those that are not come after, by line.
 */
class WrongFileKeysTest {
  private static final String SHADOW = "root:$6$Qk3hvF0s$dd8hWq7xZ1pSeCrEt:19000:0:99999:7:::\n"
      + "daemon:*:19000:0:99999:7:::\n";

  @Test
  void aProfileThatIsAPasswordFileIsNamedByLinesNotByItsText() {
    ValidationException e = assertThrows(ValidationException.class,
        () -> ScrapeProfile.parse(SHADOW + "jobz: []\n", "/etc/shadow"));

    assertEquals(List.of("field \"jobz\" not found in profile",
        "field not found in profile: the key of 52 characters on line 1"
            + " (not shown: it does not look like a name)",
        "field not found in profile: the key of 26 characters on line 2"
            + " (not shown: it does not look like a name)"), e.problems());
    assertFalse(e.getMessage().contains("$6$"), e.getMessage());
  }

  @Test
  void anOddKeyOfAClusterIsNamedByItsLineAsIsOneSetByAMergeKey() {
    ValidationException e = assertThrows(ValidationException.class, () -> ClusterList.parse(
        "- id: a\n  provider: kind\n  apiServer: https://a:6443\n  pass word: x\n  colour: b\n"
            + "- &m {id: b, provider: kind, apiServer: 'https://b:6443', 'p@ss': y}\n"
            + "- {<<: *m, id: c}\n", "clusters.yml"));

    assertEquals(List.of("field \"colour\" not found in clusters[0]",
        "field not found in clusters[0]: the key of 9 characters on line 4"
            + " (not shown: it does not look like a name)",
        "field not found in clusters[1]: the key of 4 characters on line 6"
            + " (not shown: it does not look like a name)",
        "field not found in clusters[2]: the key of 4 characters on line 6"
            + " (not shown: it does not look like a name)"), e.problems());
  }

  @Test
  void aTopLevelKeyOfBinaryDataThatLooksLikeNoNameIsNamedByItsLine() {
    // !!binary of "p4$$w0rd"
    ValidationException e = assertThrows(ValidationException.class,
        () -> YamlReader.readMapping("a: 1\n!!binary cDQkJHcwcmQ=: b\n8: c\n", "p.yml"));

    assertEquals(List.of("field not found at the top level: the key of 8 characters on line 2"
        + " (not shown: it does not look like a name)",
        "field \"8\" not found at the top level"), e.problems());
  }

  @Test
  void aDuplicateKeyOrAnUndefinedAliasThatLooksLikeNoNameIsNotShown() {
    ValidationException duplicate = assertThrows(ValidationException.class,
        () -> YamlReader.read("root:$6$x$y:\nroot:$6$x$y:\n", "t"));
    ValidationException alias = assertThrows(ValidationException.class,
        () -> YamlReader.read("a: *x$6$y\n", "t"));

    assertEquals(List.of("invalid yaml at line 2, column 1: found duplicate key of 11"
        + " characters (not shown: it does not look like a name) (while constructing a mapping"
        + " at line 1, column 1)"), duplicate.problems());
    assertEquals(List.of("invalid yaml at line 1, column 4: found undefined alias of 5"
        + " characters (not shown: it does not look like a name)"), alias.problems());
    ValidationException itself = assertThrows(ValidationException.class,
        () -> YamlReader.read("a: &x$1 [*x$1]\n", "t"));
    assertEquals(List.of("invalid yaml at line 1, column 4: the alias of 3 characters (not"
        + " shown: it does not look like a name) is inside the collection it names (a value that"
        + " would hold itself)"), itself.problems());
  }
}
