package io.promcc.app.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.app.SourceErrors;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A clusters file that is there but cannot be read keeps the source not ready, in words: the
 * operating system's reason, not the JDK's exception text. The tests run as root, who reads any
 * file, so the read's failure is given as the JDK throws it for a file of mode 000.
 */
class ClusterFileUnreadableTest {
  private static final Path FILE = Path.of("/etc/promcc/clusters.yml");
  private static final String QUOTED = "clusters file \"" + FILE + "\"";

  private final List<String> reported = new ArrayList<>();
  private final SourceErrors errors = new SourceErrors() {
    @Override
    public void failed(String source, String message) {
      reported.add(source + ": " + message);
    }
  };

  @Test
  void aFileThatCannotBeReadIsNamedWithTheOperatingSystemsReason() {
    ClusterFileState state = new ClusterFileState(FILE, errors, QUOTED);

    state.read(new SettledRead.Read(null, new AccessDeniedException(FILE.toString())));
    state.read(new SettledRead.Read(null, new IOException("Input/output error")));

    assertEquals(List.of(
        "clusters-file: cannot read " + QUOTED + " (permission denied)",
        "clusters-file: cannot read " + QUOTED + " (input/output error)"), reported);
    assertEquals("cannot read " + QUOTED + " (input/output error)", state.notReady());
  }
}
