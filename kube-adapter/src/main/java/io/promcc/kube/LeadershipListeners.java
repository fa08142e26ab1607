package io.promcc.kube;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The {@link LeaderElection}'s listeners, each told in the order registered; one that throws is
 * logged (under {@link LeaderElection}'s logger) and the others are still told. Thread-safe: a
 * listener may be added while others are told. The election calls it under its lock, which is
 * what makes the transitions alternate.
 */
final class LeadershipListeners {
  private static final System.Logger LOG = System.getLogger(LeaderElection.class.getName());

  private final List<LeadershipListener> listeners = new CopyOnWriteArrayList<>();

  void add(LeadershipListener listener) {
    listeners.add(requireNonNull(listener, "listener == null"));
  }

  void startedLeading() {
    for (LeadershipListener listener : listeners) {
      notify(listener::startedLeading);
    }
  }

  void stoppedLeading() {
    for (LeadershipListener listener : listeners) {
      notify(listener::stoppedLeading);
    }
  }

  void newLeader(String holder) {
    for (LeadershipListener listener : listeners) {
      notify(() -> listener.newLeader(holder));
    }
  }

  private static void notify(Runnable callback) {
    try {
      callback.run();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "leadership listener failed", e);
    }
  }
}
