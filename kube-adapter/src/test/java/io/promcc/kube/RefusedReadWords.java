package io.promcc.kube;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;

/**
 * A JVM of its own for {@link RefusalInAnyLanguageTest}: connects as OkHttp does (a socket's
 * connect, its failure wrapped in OkHttp's "Failed to connect to") to a port nothing listens on
 * (bound, then closed), and prints three lines: the api server's URL, the words of the socket's
 * exception, and promcc's words for the failure. Without client-java, whose start is most of a
 * JVM's on a busy machine ({@link ConnectFailureWordsTest} reads through it).
 */
final class RefusedReadWords {
  private RefusedReadWords() {}

  public static void main(String[] args) throws IOException {
    InetAddress local = InetAddress.getByName("127.0.0.1");
    int port;
    try (ServerSocket closed = new ServerSocket(0, 1, local)) {
      port = closed.getLocalPort();
    }
    String server = "http://127.0.0.1:" + port;
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(local, port), 10_000);
      System.out.println("the connect did not fail");
    } catch (ConnectException refused) {
      ConnectException okHttp = new ConnectException("Failed to connect to /127.0.0.1:" + port);
      okHttp.initCause(refused);
      System.out.println(server);
      System.out.println(refused.getMessage());
      System.out.println(NoAnswerText.describe(List.of(okHttp, refused),
          "the api server \"" + server + "\"").orElse("no words"));
    }
  }
}
