package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A kubeconfig is read within bounds, as promcc's other files are: a FIFO or a device given as
 * one (a wrong path) is refused unread, where the start waited for a writer for ever or read
 * /dev/zero until the heap ran out; a file past 16 MiB is refused after reading one byte more.
 */
class KubeconfigBoundsTest {
  @TempDir Path temp;

  private KubeClientException refusal(Path kubeconfig) {
    return assertThrows(KubeClientException.class, () -> ApiServerLookup.find(
        Optional.of(kubeconfig), ClientLookup.of(Map.of(), temp.resolve("sa"))));
  }

  @Test
  void aFifoOrADeviceIsRefusedUnread() throws Exception {
    Path fifo = temp.resolve("kubeconfig");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assumeTrue(mkfifo.waitFor(30, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "no mkfifo");

    KubeClientException fromFifo = assertTimeoutPreemptively(Duration.ofSeconds(30),
        () -> refusal(fifo));
    KubeClientException fromDevice = assertTimeoutPreemptively(Duration.ofSeconds(30),
        () -> refusal(Path.of("/dev/zero")));

    assertEquals("kubeconfig \"" + fifo + "\" (from --kubeconfig) is not a regular file",
        fromFifo.getMessage());
    assertEquals("kubeconfig \"/dev/zero\" (from --kubeconfig) is not a regular file",
        fromDevice.getMessage());
  }

  @Test
  void aFileOfMoreThan16MibIsRefused() throws Exception {
    Path large = temp.resolve("large");
    try (RandomAccessFile file = new RandomAccessFile(large.toFile(), "rw")) {
      file.setLength((16 << 20) + 1);
    }

    assertEquals("kubeconfig \"" + large + "\" (from --kubeconfig) is larger than 16 MiB "
        + "(16777216 bytes), found 16777217 bytes", refusal(large).getMessage());
  }
}
