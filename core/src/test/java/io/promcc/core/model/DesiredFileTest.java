package io.promcc.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DesiredFileTest {
  @Test
  void aFilesHashCodeIsTheSameInEveryJvm() {
    // by the kind's ordinal, not its identity: the same in every run
    FileKind kind = FileKind.MAIN_CONFIG;
    assertEquals(31 * (31 * kind.ordinal() + kind.defaultMode())
        + java.util.Arrays.hashCode("a".getBytes(StandardCharsets.UTF_8)),
        DesiredFile.of(kind, "a").hashCode());
  }

  @Test
  void aJoinedFileIsItsPartsOneAfterTheOther() {
    DesiredFile joined = DesiredFile.joined(FileKind.MAIN_CONFIG,
        List.of(bytes("scrape_configs:\n"), bytes(""), bytes("- job_name: a\n"),
            bytes("- job_name: \u00e9\n")));
    DesiredFile whole = DesiredFile.of(FileKind.MAIN_CONFIG,
        "scrape_configs:\n- job_name: a\n- job_name: \u00e9\n");
    assertEquals(whole, joined);
    assertEquals(whole.sha256(), joined.sha256());
    assertEquals(FileKind.MAIN_CONFIG.defaultMode(), joined.mode());
    assertEquals(whole.size(), joined.size());
  }

  @Test
  void aJoinedFileOwnsItsBytes() {
    byte[] part = bytes("a\n");
    DesiredFile joined = DesiredFile.joined(FileKind.SCRAPE_CONFIG, List.of(part));
    part[0] = 'b';
    assertEquals("a\n", joined.text());
    assertEquals(DesiredFile.of(FileKind.SCRAPE_CONFIG, new byte[0]),
        DesiredFile.joined(FileKind.SCRAPE_CONFIG, List.of()));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
