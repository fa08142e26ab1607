package io.promcc.kube;

import java.util.ArrayList;
import java.util.List;

/** What a {@link TrackedWatch} told its lister-watcher, in order, in words tests compare. */
final class ToldOutcome implements TrackedWatch.Outcome {
  /** {@code delivered}, {@code ended}, {@code failed: <failure>} or {@code expired}, each time. */
  final List<String> told = new ArrayList<>();

  @Override
  public void delivered() {
    told.add("delivered");
  }

  @Override
  public void ended(boolean delivered) {
    told.add("ended");
  }

  @Override
  public void failed(String failure) {
    told.add("failed: " + failure);
  }

  @Override
  public void expired() {
    told.add("expired");
  }
}
