package io.promcc.prometheus;

import java.nio.file.Path;
import java.time.Clock;

/** The store's contract again, the store watching its folders from the first file on. */
class AtomicFileStoreWatchedContractTest extends AtomicFileStoreContractTest {
  @Override
  AtomicFileStore newStore(Path root) {
    return new AtomicFileStore(root, AtomicFileStore.StepHook.NONE, Clock.systemUTC(),
        WatchServiceDoubles.patient(OwnedFileWatch.Watcher.DEFAULT), 0);
  }
}
