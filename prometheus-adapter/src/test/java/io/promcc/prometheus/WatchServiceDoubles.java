package io.promcc.prometheus;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.Watchable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Watch services for {@link OwnedFileWatch} in tests: one whose events never come, and the file
 * system's own with each key's events filtered (withheld, or replaced by an overflow).
 */
final class WatchServiceDoubles {
  private WatchServiceDoubles() {}

  /** A watch service whose events never come: every fence is late. */
  static final class SilentWatchService implements WatchService {
    WatchKey key(Path folder) {
      return new WatchKey() {
        @Override
        public boolean isValid() {
          return true;
        }

        @Override
        public List<WatchEvent<?>> pollEvents() {
          return List.of();
        }

        @Override
        public boolean reset() {
          return true;
        }

        @Override
        public void cancel() {}

        @Override
        public Watchable watchable() {
          return folder;
        }
      };
    }

    @Override
    public void close() {}

    @Override
    public WatchKey poll() {
      return null;
    }

    @Override
    public WatchKey poll(long timeout, TimeUnit unit) {
      return null; // as if the timeout had passed
    }

    @Override
    public WatchKey take() {
      throw new UnsupportedOperationException("the store never blocks without a timeout");
    }
  }

  /**
   * How long the tests' watches wait for a fence's event, where the store waits 5 s: on a busy
   * machine the file system's notification thread, or the reading thread itself, may be late by
   * seconds, and a read that checks every file instead is not the read a test means. A fence
   * that never comes still ends the wait, with a full pass.
   */
  static final Duration PATIENT_FENCE = Duration.ofSeconds(60);

  /** {@code watcher}, waiting up to {@link #PATIENT_FENCE} for each fence's event. */
  static OwnedFileWatch.Watcher patient(OwnedFileWatch.Watcher watcher) {
    return new OwnedFileWatch.Watcher() {
      @Override
      public WatchService open(Path root) throws IOException {
        return watcher.open(root);
      }

      @Override
      public WatchKey register(WatchService service, Path folder) throws IOException {
        return watcher.register(service, folder);
      }

      @Override
      public Duration fenceTimeout() {
        return PATIENT_FENCE;
      }
    };
  }

  /** The file system's watch services passing on the fence's events only; patient. */
  static OwnedFileWatch.Watcher fenceOnly() {
    return filtering(events -> events.stream().filter(e ->
        e.context() instanceof Path path && path.toString().equals(OwnedFileWatch.FENCE))
        .toList());
  }

  /**
   * The file system's watch services, each key's events passed through {@code filter};
   * patient.
   */
  static OwnedFileWatch.Watcher filtering(UnaryOperator<List<WatchEvent<?>>> filter) {
    return patient(new OwnedFileWatch.Watcher() {
      @Override
      public WatchService open(Path root) throws IOException {
        return new FilteringWatchService(DEFAULT.open(root), filter);
      }

      @Override
      public WatchKey register(WatchService service, Path folder) throws IOException {
        return ((FilteringWatchService) service).register(folder);
      }
    });
  }

  /** An overflow: the events of a key were lost. */
  static final WatchEvent<Object> OVERFLOW_EVENT = new WatchEvent<>() {
    @Override
    public Kind<Object> kind() {
      return StandardWatchEventKinds.OVERFLOW;
    }

    @Override
    public int count() {
      return 1;
    }

    @Override
    public Object context() {
      return null;
    }
  };

  /** The file system's watch service with each key's events passed through a filter. */
  private static final class FilteringWatchService implements WatchService {
    private final WatchService real;
    private final UnaryOperator<List<WatchEvent<?>>> filter;
    private final Map<WatchKey, WatchKey> keys = new ConcurrentHashMap<>();

    FilteringWatchService(WatchService real, UnaryOperator<List<WatchEvent<?>>> filter) {
      this.real = real;
      this.filter = filter;
    }

    WatchKey register(Path folder) throws IOException {
      return wrap(OwnedFileWatch.Watcher.DEFAULT.register(real, folder));
    }

    private WatchKey wrap(WatchKey key) {
      return key == null ? null : keys.computeIfAbsent(key, k -> new WatchKey() {
        @Override
        public boolean isValid() {
          return k.isValid();
        }

        @Override
        public List<WatchEvent<?>> pollEvents() {
          return filter.apply(k.pollEvents());
        }

        @Override
        public boolean reset() {
          return k.reset();
        }

        @Override
        public void cancel() {
          k.cancel();
        }

        @Override
        public Watchable watchable() {
          return k.watchable();
        }
      });
    }

    @Override
    public void close() throws IOException {
      real.close();
    }

    @Override
    public WatchKey poll() {
      return wrap(real.poll());
    }

    @Override
    public WatchKey poll(long timeout, TimeUnit unit) throws InterruptedException {
      return wrap(real.poll(timeout, unit));
    }

    @Override
    public WatchKey take() throws InterruptedException {
      return wrap(real.take());
    }
  }
}
