package io.promcc.core.port;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.FileKind;
import java.util.Optional;

/** The fake store passes the same contract as the real one. */
class FakeConfigStoreTest extends ConfigStoreContract {
  private FakeConfigStore store;

  @Override
  protected ConfigStore newStore() {
    store = new FakeConfigStore();
    return store;
  }

  @Override
  protected void placeUnowned(String path, String content) {
    store.putUnowned(path, DesiredFile.of(FileKind.CERTIFICATE, content));
  }

  @Override
  protected Optional<String> contentAt(String path) {
    DesiredFile owned = store.readOwned().get(path);
    return owned != null ? Optional.of(owned.text()) : store.unownedText(path);
  }
}
