package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link DeployManifests} can say no: deploy/statefulset.yaml with one mistake of each kind is
 * refused, naming the mistake.
 */
class DeployManifestsStrictnessTest {
  private static String statefulSetFile() throws IOException {
    return Files.readString(DeployManifests.DIRECTORY.resolve("statefulset.yaml"));
  }

  @Test
  void aFieldNoModelKnowsIsRefused() throws IOException {
    String text = changed(statefulSetFile(), "readOnlyRootFilesystem: true",
        "readOnlyRootFileSystem: true");

    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> DeployManifests.parse("statefulset.yaml", text));

    assertTrue(refused.getMessage().contains("readOnlyRootFileSystem"), refused.getMessage());
  }

  @Test
  void aMissingRequiredFieldIsRefused() throws IOException {
    String text = changed(statefulSetFile(), "- name: promcc\n          image: promcc",
        "- image: promcc");

    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> DeployManifests.parse("statefulset.yaml", text));

    assertTrue(refused.getMessage().contains("required field `name`"), refused.getMessage());
  }

  @Test
  void aValueThatOnlyCoercesIntoTheModelIsRefused() throws IOException {
    String text = changed(statefulSetFile(), "runAsUser: 10001", "runAsUser: \"10001\"");

    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> DeployManifests.parse("statefulset.yaml", text));

    assertTrue(refused.getMessage().contains("round trip"), refused.getMessage());
  }

  @Test
  void aDuplicateKeyIsRefused() throws IOException {
    String text = changed(statefulSetFile(), "  replicas: 2\n", "  replicas: 2\n  replicas: 3\n");

    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> DeployManifests.parse("statefulset.yaml", text));

    assertTrue(refused.getMessage().contains("duplicate key replicas"), refused.getMessage());
  }

  private static String changed(String text, String from, String to) {
    assertTrue(text.contains(from), "the manifest no longer contains " + from);
    return text.replaceFirst(Pattern.quote(from), Matcher.quoteReplacement(to));
  }
}
