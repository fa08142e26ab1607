package io.promcc.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
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
        List.of(part("scrape_configs:\n"), part(""), part("- job_name: a\n"),
            part("- job_name: \u00e9\n")));
    DesiredFile whole = DesiredFile.of(FileKind.MAIN_CONFIG,
        "scrape_configs:\n- job_name: a\n- job_name: \u00e9\n");
    assertEquals(whole, joined);
    assertEquals(joined, whole);
    assertEquals(whole.hashCode(), joined.hashCode());
    assertEquals(whole.sha256(), joined.sha256());
    assertEquals(FileKind.MAIN_CONFIG.defaultMode(), joined.mode());
    assertEquals(whole.size(), joined.size());
    assertEquals(whole.text(), joined.text());
    assertArrayEquals(whole.content(), joined.content());
    assertEquals(whole.asReadOnlyBuffer(), joined.asReadOnlyBuffer());
    assertTrue(joined.contentEquals(whole.content()));
    assertEquals(DesiredFile.of(FileKind.SCRAPE_CONFIG, new byte[0]),
        DesiredFile.joined(FileKind.SCRAPE_CONFIG, List.of()));
  }

  @Test
  void aJoinedFileIsReadPartByPartInOrder() {
    DesiredFile joined = DesiredFile.joined(FileKind.MAIN_CONFIG,
        List.of(part("a\n"), part(""), DesiredFile.joined(FileKind.MAIN_CONFIG,
            List.of(part("b"), part("c\n")))));
    StringBuilder read = new StringBuilder();
    List<ByteBuffer> buffers = joined.asReadOnlyBuffers();
    buffers.forEach(buffer -> read.append(StandardCharsets.UTF_8.decode(buffer)));
    assertEquals("a\nbc\n", read.toString());
    assertEquals(3, buffers.size()); // the parts' own bytes, the empty one left out
    assertTrue(buffers.stream().allMatch(ByteBuffer::isReadOnly));
    assertEquals(List.of(), DesiredFile.of(FileKind.MAIN_CONFIG, "").asReadOnlyBuffers());
  }

  @Test
  void filesSplitDifferentlyAreEqualOnlyByTheirBytes() {
    DesiredFile ab = DesiredFile.joined(FileKind.MAIN_CONFIG, List.of(part("ab"), part("cd")));
    DesiredFile a = DesiredFile.joined(FileKind.MAIN_CONFIG, List.of(part("a"), part("bcd")));
    DesiredFile other = DesiredFile.joined(FileKind.MAIN_CONFIG, List.of(part("a"), part("bce")));
    assertEquals(ab, a);
    assertEquals(ab.hashCode(), a.hashCode());
    assertNotEquals(ab, other);
    assertNotEquals(other, ab);
    assertFalse(other.contentEquals(ab.content()));
    assertFalse(ab.contentEquals("abc".getBytes(StandardCharsets.UTF_8)));
    // a part shared by both at the same place, the rest differing
    DesiredFile shared = part("x\n");
    assertNotEquals(DesiredFile.joined(FileKind.MAIN_CONFIG, List.of(shared, part("1"))),
        DesiredFile.joined(FileKind.MAIN_CONFIG, List.of(shared, part("2"))));
    assertEquals(DesiredFile.joined(FileKind.MAIN_CONFIG, List.of(shared, part("1"))),
        DesiredFile.joined(FileKind.MAIN_CONFIG, List.of(shared, part("1"))));
  }

  private static DesiredFile part(String text) {
    return DesiredFile.of(FileKind.SCRAPE_CONFIG, text);
  }
}
