package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A folder or file that could not be made is said in words, with or without a file named. */
class FolderFailuresTest {
  /**
   * A failure that names no file (the sync of the parent folder on a failing volume) said the
   * JDK's text, "making it failed (java.io.IOException: Input/output error)".
   */
  @Test
  void aFailureNamingNoFileIsSaidInWordsToo() {
    assertEquals(List.of("making it failed (input/output error)",
        "making the folder \"/out\" failed (permission denied)"), List.of(
        FolderFailures.describe(new IOException("Input/output error")),
        FolderFailures.describe(new AccessDeniedException("/out"))));
  }
}
