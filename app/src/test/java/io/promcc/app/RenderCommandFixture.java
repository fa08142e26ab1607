package io.promcc.app;

import io.promcc.core.testing.TestCertificates;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code promcc} run with its output captured, and clusters files and certificate folders
 * written to a temporary folder for it.
 */
abstract class RenderCommandFixture {
  @TempDir Path temp;

  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int run(String... args) {
    CommandLine command = Main.commandLine();
    command.setOut(new PrintWriter(out));
    command.setErr(new PrintWriter(err));
    return command.execute(args);
  }

  Path clusters(String yaml) throws IOException {
    return Files.writeString(temp.resolve("clusters.yml"), yaml);
  }

  Path certificatesFor(String... ids) throws IOException {
    Path dir = Files.createDirectories(temp.resolve("certs"));
    for (String id : ids) {
      Files.writeString(dir.resolve(id + "-ca.pem"), TestCertificates.read("ca.pem"));
      Files.writeString(dir.resolve(id + "-crt.pem"), TestCertificates.read("client.pem"));
      Files.writeString(dir.resolve(id + "-key.pem"), TestCertificates.read("client-key.pem"));
    }
    return dir;
  }
}
