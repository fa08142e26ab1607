package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.app.run.CheckParts;
import io.promcc.kube.SecretCertificateSource;
import io.promcc.kube.ServiceMapping;
import io.promcc.vault.VaultFailure;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The operators' table of rejection reasons (docs/operations.md) and the code agree: the reasons
 * the app itself gives, the Vault adapter's, the Service mapping's and the Secrets source's each
 * have a row, and every reason a row names is one the code gives (a string of its main sources),
 * so a renamed reason cannot stay in the table.
 */
class DocumentedReasonsTest {
  /** A reason in a row's first cell: {@code | `vault-sealed`, `vault-unavailable` | ...}. */
  private static final Pattern REASON = Pattern.compile("`([a-z0-9]+(?:-[a-z0-9]+)*)`");

  private static String reasonsSection() throws IOException {
    String operations = Files.readString(Path.of("..", "docs", "operations.md"));
    int start = operations.indexOf("\n## Rejection reasons\n");
    int end = operations.indexOf("\n## ", start + 1);
    return operations.substring(start, end);
  }

  /** The reasons the rows of the section name in their first cell. */
  private static SortedSet<String> reasonsInTheTable() throws IOException {
    SortedSet<String> reasons = new TreeSet<>();
    for (String line : reasonsSection().split("\n")) {
      if (line.startsWith("| `")) {
        Matcher reason = REASON.matcher(line.split("\\|")[1]);
        while (reason.find()) {
          reasons.add(reason.group(1));
        }
      }
    }
    return reasons;
  }

  /** The values of {@code type}'s public string constants: its reasons. */
  private static List<String> constants(Class<?> type) {
    return Arrays.stream(type.getFields())
        .filter(f -> Modifier.isStatic(f.getModifiers()) && f.getType() == String.class)
        .map(DocumentedReasonsTest::value).toList();
  }

  private static String value(Field field) {
    try {
      return (String) field.get(null);
    } catch (IllegalAccessException e) {
      throw new AssertionError(e);
    }
  }

  /** promcc check shows new clusters as waiting for this reason; the table did not say why. */
  @Test
  void theReasonOfACheckThatRequestsNoCertificateIsInTheTable() throws IOException {
    String table = reasonsSection();

    assertTrue(table.contains("| `" + CheckParts.NOT_REQUESTED + "` "),
        "docs/operations.md, Rejection reasons, lacks " + CheckParts.NOT_REQUESTED);
  }

  @Test
  void everyReasonOfVaultServicesAndSecretsHasARow() throws IOException {
    SortedSet<String> given = new TreeSet<>();
    Arrays.stream(VaultFailure.values()).map(VaultFailure::reason).forEach(given::add);
    given.addAll(constants(ServiceMapping.class));
    given.addAll(constants(SecretCertificateSource.class));
    assertTrue(given.size() >= 35, "reasons read from the code: " + given);

    given.removeAll(reasonsInTheTable());

    assertEquals(Set.of(), given, "reasons without a row in docs/operations.md");
  }

  @Test
  void everyReasonOfTheTableIsOneTheCodeGives() throws IOException {
    StringBuilder sources = new StringBuilder();
    try (Stream<Path> files = Files.walk(Path.of(".."))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")
          && f.toString().contains("/src/main/java/")).toList()) {
        sources.append(Files.readString(file));
      }
    }
    SortedSet<String> unknown = new TreeSet<>();
    SortedSet<String> named = reasonsInTheTable();
    for (String reason : named) {
      if (sources.indexOf("\"" + reason + "\"") < 0) {
        unknown.add(reason);
      }
    }

    assertTrue(named.size() >= 50, "reasons read from the table: " + named);
    assertEquals(Set.of(), unknown, "rows of docs/operations.md naming no reason of the code");
  }
}
