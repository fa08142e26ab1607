package io.promcc.app.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.app.local.FileWatcher;
import io.promcc.app.loop.StopEnd;
import io.promcc.core.testing.LogCapture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The stop's lines name each part by its class: an anonymous one, which has no simple name, by
 * what it extends or implements and its name as a stack trace shows it.
 */
class StopPartNamesTest {
  private final CountDownLatch release = new CountDownLatch(1);
  private final LogCapture log = LogCapture.of(Controller.class); // StopDeadline's lines

  @AfterEach
  void releaseTheClose() {
    release.countDown();
    log.close();
  }

  @Test
  void aPartOfANamedClassIsNamedByItsSimpleName() {
    assertEquals("FileWatcher", StopDeadline.Part.of(new FileWatcher()).name());
    assertEquals("Closes", StopDeadline.Part.of(new Closes()).name());
  }

  @Test
  void aPartOfAnAnonymousClassIsNamedByWhatItIsAndItsClass() {
    AutoCloseable closes = new AutoCloseable() {
      @Override
      public void close() { }
    };
    Closes named = new Closes() { };

    assertEquals("AutoCloseable (StopPartNamesTest$1)", StopDeadline.Part.of(closes).name());
    assertEquals("Closes (StopPartNamesTest$2)", StopDeadline.Part.of(named).name());
  }

  @Test
  void theWarningOfAnAnonymousPartNotClosedInItsTimeNamesIt() {
    AutoCloseable hangs = new AutoCloseable() {
      @Override
      public void close() throws InterruptedException {
        release.await(30, TimeUnit.SECONDS);
      }
    };

    new StopDeadline(Duration.ofMillis(100), System::nanoTime, new StopEnd())
        .closeInOrder(List.of(StopDeadline.Part.of(hangs)));

    assertEquals(List.of("stopping: closing AutoCloseable (StopPartNamesTest$3) had not ended"),
        log.messages().stream().map(m -> m.substring(0, m.indexOf(" ended") + 6)).toList());
  }

  /** A part of a class of its own, which an anonymous one extends. */
  static class Closes implements AutoCloseable {
    @Override
    public void close() { }
  }
}
