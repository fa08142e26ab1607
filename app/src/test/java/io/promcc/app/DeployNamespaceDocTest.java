package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.kube.DeployManifests;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/operations.md, "What to adapt", Namespaces, names every kind of object deploy/ puts into
 * the namespace it changes: an object left out of the list stays behind in the old namespace
 * when an operator moves the rest (a RoleBinding left there grants the moved controller no
 * Lease, a NetworkPolicy left there protects nothing).
 */
class DeployNamespaceDocTest {
  @Test
  void theNamespacesBulletNamesEveryKindInTheNamespace() throws IOException {
    String guide = Files.readString(DeployPodFixture.OPERATIONS);
    int start = guide.indexOf("- **Namespaces.**");
    assertTrue(start >= 0, "docs/operations.md has no Namespaces bullet");
    String bullet = guide.substring(start, guide.indexOf("\n- **", start + 1));
    String namespace = bullet.replaceFirst("(?s).*?runs in `([^`]+)`.*", "$1");
    Set<String> kinds = new TreeSet<>();
    for (DeployManifests.Document document : DeployManifests.load().documents()) {
      if (document.namespace().equals(namespace)) {
        kinds.add(document.kind());
      }
    }
    assertTrue(kinds.size() > 1, "objects in " + namespace + ": " + kinds);

    Set<String> unnamed = new TreeSet<>();
    for (String kind : kinds) {
      // as a word of its own, plural included: "RoleBinding" is no "Role", "Roles" is one
      if (!Pattern.compile("(?<![A-Za-z])" + kind + "s?(?![A-Za-z])").matcher(bullet).find()) {
        unnamed.add(kind);
      }
    }

    assertEquals(Set.of(), unnamed, "kinds in " + namespace + " the Namespaces bullet leaves out");
  }
}
