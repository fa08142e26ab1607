package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.app.run.CheckParts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The reasons the app itself gives are in the operators' table of rejection reasons. */
class DocumentedReasonsTest {
  private static String reasonsSection() throws IOException {
    String operations = Files.readString(Path.of("..", "docs", "operations.md"));
    int start = operations.indexOf("\n## Rejection reasons\n");
    int end = operations.indexOf("\n## ", start + 1);
    return operations.substring(start, end);
  }

  /** promcc check shows new clusters as waiting for this reason; the table did not say why. */
  @Test
  void theReasonOfACheckThatRequestsNoCertificateIsInTheTable() throws IOException {
    String table = reasonsSection();

    assertTrue(table.contains("| `" + CheckParts.NOT_REQUESTED + "` "),
        "docs/operations.md, Rejection reasons, lacks " + CheckParts.NOT_REQUESTED);
  }
}
