package io.promcc.prometheus;

import java.io.IOException;
import java.nio.file.WatchService;

/** The open watch service; also the cleaning action that closes it. */
final class OpenWatchService implements Runnable {
  WatchService service;

  @Override
  public void run() {
    close();
  }

  void close() {
    if (service != null) {
      try {
        service.close();
      } catch (IOException ignored) {
        // nothing more to release
      }
      service = null;
    }
  }
}
