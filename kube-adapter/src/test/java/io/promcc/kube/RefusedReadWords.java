package io.promcc.kube;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.util.ClientBuilder;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;

/**
 * A JVM of its own for {@link RefusalInAnyLanguageTest}: reads a Lease from a port nothing
 * listens on (bound, then closed) and prints three lines: the api server's URL, the words of the
 * socket's exception, and promcc's words for the failure.
 */
final class RefusedReadWords {
  private RefusedReadWords() {}

  public static void main(String[] args) throws Exception {
    int port;
    try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = closed.getLocalPort();
    }
    String server = "http://127.0.0.1:" + port;
    ApiClient client = new ClientBuilder().setBasePath(server).build();
    LeaseLock lock = new LeaseLock(client, "ns", "lease", Duration.ofSeconds(60));
    try {
      lock.read();
      System.out.println("the read did not fail");
    } catch (ApiException e) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      System.out.println(server);
      System.out.println(root.getMessage());
      System.out.println(FailureText.describe(e, server));
    }
    System.exit(0);
  }
}
