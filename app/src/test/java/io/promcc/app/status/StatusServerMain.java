package io.promcc.app.status;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A {@link StatusServer} alone in a JVM of its own, as in production (no other JDK HTTP server
 * started first), driven over stdin: it prints its port, answers each line {@code busy} with the
 * number of busy request threads, and closes at the end of input.
 */
public final class StatusServerMain {
  private StatusServerMain() {}

  public static void main(String[] args) throws Exception {
    Health fine = new Health() {
      @Override
      public HealthReport liveness() {
        return HealthReport.ok("alive");
      }

      @Override
      public HealthReport readiness() {
        return HealthReport.ok("ready");
      }
    };
    try (StatusServer server = StatusServer.start(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        new ControllerMetrics("test").registry(), fine)) {
      System.out.println(server.port());
      System.out.flush();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.equals("busy")) {
          System.out.println(server.busy());
          System.out.flush();
        }
      }
    }
  }
}
