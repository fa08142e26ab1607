package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.core.testing.TestCertificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The first line of {@code promcc check}'s report: what it planned, in plain English. */
class CheckCommandSummaryTest extends CheckCommandFixture {
  /** It said "planned 1 files for 0 clusters" and "planned 4 files for 1 clusters". */
  @Test
  void aSingleFileOrClusterIsCountedInTheSingular() throws IOException {
    assertEquals("planned 1 file for 0 clusters", check().get(0));

    Path certs = Files.createDirectories(temp.resolve("certs"));
    Files.writeString(certs.resolve("abc12-ca.pem"), TestCertificates.read("ca.pem"));
    Files.writeString(certs.resolve("abc12-crt.pem"), TestCertificates.read("client.pem"));
    Files.writeString(certs.resolve("abc12-key.pem"), TestCertificates.read("client-key.pem"));
    Files.writeString(clusters, "- id: abc12\n  provider: aws\n  apiServer: https://a.example\n");
    out.getBuffer().setLength(0);

    List<String> lines = check("--certificates", "dir", "--cert-dir", certs.toString());

    assertEquals("planned 4 files for 1 cluster", lines.get(0), String.join("\n", lines));
  }
}
