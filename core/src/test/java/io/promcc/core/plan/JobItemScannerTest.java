package io.promcc.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The items of asked clusters, under any prefix, found in a text given in pieces cut anywhere.
 */
class JobItemScannerTest {
  private static final String A = "- job_name: p-a-x\n  static_configs: []\n  x: 1\n";
  private static final String A_NODE = "- job_name: \"p-a-node-y\"\n  z: \"é\"\n";
  private static final String TEXT = "global:\n  scrape_interval: 1m\nscrape_configs:\n"
      + A + "- job_name: p-b-x\n  y: 1\n" + "- job_name: user\n  y: 2\n" + A_NODE
      + "- job_name: \"p-c-y\"\n  y: 3\n" + "- job_name: q-a-x\n\n" + "- job_name: p-a\n"
      + "rule_files: []\n" + "- job_name: p-a-last\n  w: 1";

  private static List<String> scan(byte[] bytes, int... cuts) {
    List<String> found = new ArrayList<>();
    JobItemScanner scanner = new JobItemScanner(KeptJobs.ITEM, Set.of("a", "a-node"),
        found::add);
    int from = 0;
    for (int cut : cuts) {
      scanner.scan(ByteBuffer.wrap(bytes, from, cut - from).slice());
      from = cut;
    }
    scanner.scan(ByteBuffer.wrap(bytes, from, bytes.length - from).slice());
    scanner.end();
    return found;
  }

  @Test
  void findsTheItemsOfAskedClustersUnderAnyPrefixPlainOrQuotedWhereverThePiecesAreCut() {
    byte[] bytes = TEXT.getBytes(StandardCharsets.UTF_8);
    List<String> expected = List.of(A, A_NODE, "- job_name: q-a-x\n",
        "- job_name: p-a-last\n  w: 1");
    assertEquals(expected, scan(bytes));
    for (int cut = 0; cut <= bytes.length; cut++) {
      assertEquals(expected, scan(bytes, cut), "cut at " + cut);
      for (int second = cut; second <= bytes.length; second += 7) {
        assertEquals(expected, scan(bytes, cut, second), "cut at " + cut + " and " + second);
      }
    }
  }
}
