package io.promcc.kube;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketImpl;
import javax.net.SocketFactory;

/**
 * Sockets whose connect fails as the JVM's fails under another locale: {@link Socket#connect}
 * throws the given exception from its {@link SocketImpl}, as the JDK's own implementation throws
 * it with the C library's words (strerror, in the language of {@code LANG}).
 */
final class FailingConnects extends SocketFactory {
  private final IOException failure;

  FailingConnects(IOException failure) {
    this.failure = failure;
  }

  @Override
  public Socket createSocket() throws SocketException {
    return new Socket(new FailingImpl()) { };
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    throw failure;
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress local, int localPort)
      throws IOException {
    throw failure;
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    throw failure;
  }

  @Override
  public Socket createSocket(InetAddress host, int port, InetAddress local, int localPort)
      throws IOException {
    throw failure;
  }

  private final class FailingImpl extends SocketImpl {
    @Override
    protected void create(boolean stream) {}

    @Override
    protected void connect(String host, int port) throws IOException {
      throw failure;
    }

    @Override
    protected void connect(InetAddress address, int port) throws IOException {
      throw failure;
    }

    @Override
    protected void connect(SocketAddress address, int timeout) throws IOException {
      // its stack where the JDK's own is thrown: in Socket.connect
      failure.fillInStackTrace();
      throw failure;
    }

    @Override
    protected void bind(InetAddress host, int port) {}

    @Override
    protected void listen(int backlog) {}

    @Override
    protected void accept(SocketImpl s) throws IOException {
      throw new SocketException("not connected");
    }

    @Override
    protected InputStream getInputStream() throws IOException {
      throw new SocketException("not connected");
    }

    @Override
    protected OutputStream getOutputStream() throws IOException {
      throw new SocketException("not connected");
    }

    @Override
    protected int available() {
      return 0;
    }

    @Override
    protected void close() {}

    @Override
    protected void sendUrgentData(int data) throws IOException {
      throw new SocketException("not connected");
    }

    @Override
    public void setOption(int optID, Object value) {}

    @Override
    public Object getOption(int optID) {
      return null;
    }
  }
}
