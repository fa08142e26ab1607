package io.promcc.app.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Clients that start a request and never finish it take every request thread; the status server
 * cuts them off after its request time limit (a read on their connection ends, instead of
 * waiting for ever), and the next probe is answered. Run in a JVM of its own
 * ({@link StatusServerMain}): the JDK reads the limit once per JVM.
 */
class StalledClientsTest {
  @Test
  void stalledClientsAreCutOffAndTheNextProbeIsAnswered() throws Exception {
    Process child = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), StatusServerMain.class.getName())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    List<Socket> stalled = new ArrayList<>();
    try {
      BufferedReader out = new BufferedReader(
          new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      PrintStream in = new PrintStream(child.getOutputStream(), true, StandardCharsets.UTF_8);
      int port = Integer.parseInt(line(out));
      for (int i = 0; i < StatusServer.MAX_THREADS; i++) {
        Socket socket = connect(port);
        socket.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: loc"
            .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        stalled.add(socket);
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (true) {
        in.println("busy");
        if (Integer.parseInt(line(out)) == StatusServer.MAX_THREADS) {
          break;
        }
        assertTrue(System.nanoTime() < deadline, "the stalled requests never took the threads");
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // polling interval
      }

      for (Socket socket : stalled) {
        try {
          assertEquals(-1, socket.getInputStream().read(), "a stalled client got an answer");
        } catch (SocketException reset) {
          // cut off by a reset: just as good
        }
      }
      try (Socket probe = connect(port)) {
        OutputStream request = probe.getOutputStream();
        request.write("GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
        request.flush();
        String answer = new String(probe.getInputStream().readAllBytes(),
            StandardCharsets.UTF_8);

        assertTrue(answer.startsWith("HTTP/1.1 200 OK"), answer);
        assertTrue(answer.endsWith("ok: alive\n"), answer);
      }
    } finally {
      for (Socket socket : stalled) {
        socket.close();
      }
      child.getOutputStream().close();
      if (!child.waitFor(20, TimeUnit.SECONDS)) {
        child.destroyForcibly();
      }
    }
  }

  /** Reads within 30 s; the read of a process' output cannot time out by itself. */
  private static String line(BufferedReader out) throws Exception {
    String line = CompletableFuture.supplyAsync(() -> {
      try {
        return out.readLine();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }).get(30, TimeUnit.SECONDS);
    assertTrue(line != null, "the status server process ended");
    return line.strip();
  }

  private static Socket connect(int port) throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout(30_000);
    return socket;
  }
}
