package io.promcc.kube;

import static java.util.Objects.requireNonNull;

import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.openapi.models.V1Secret;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * What {@link SecretCertificateSource} does with the Secret informer's events: tells its
 * listeners of a change that can change an observation, forgets the parsed bundles a change or a
 * deletion makes stale, and tells {@link UnreadableObjects} each version the cache now holds
 * and each deletion.
 * Called on the informer's thread; thread-safe as far as the parts it is given are.
 */
final class SecretEvents implements ResourceEventHandler<V1Secret> {
  private final String clusterLabel;
  private final Runnable changed;
  private final BiConsumer<String, String> forgetUnless;
  private final Consumer<String> forget;
  private final UnreadableObjects unreadable;

  /**
   * @param clusterLabel the label whose value names a Secret's cluster
   * @param changed tells the source's listeners
   * @param forgetUnless forgets the parsed bundle of the Secret at a key
   *     ({@code namespace/name}) unless it is of the resourceVersion given
   * @param forget forgets the parsed bundle of the Secret at a key
   */
  SecretEvents(String clusterLabel, Runnable changed, BiConsumer<String, String> forgetUnless,
      Consumer<String> forget, UnreadableObjects unreadable) {
    this.clusterLabel = requireNonNull(clusterLabel, "clusterLabel == null");
    this.changed = requireNonNull(changed, "changed == null");
    this.forgetUnless = requireNonNull(forgetUnless, "forgetUnless == null");
    this.forget = requireNonNull(forget, "forget == null");
    this.unreadable = requireNonNull(unreadable, "unreadable == null");
  }

  /** The value of the label that names {@code secret}'s cluster; null for none or no Secret. */
  String clusterLabelOf(V1Secret secret) {
    Map<String, String> labels = secret == null || secret.getMetadata() == null ? null
        : secret.getMetadata().getLabels();
    return labels == null ? null : labels.get(clusterLabel);
  }

  /**
   * Whether a change can change an observation: a Secret naming a cluster appeared or went, or
   * its labels or data changed (an annotation or a new resourceVersion alone cannot).
   */
  boolean matters(V1Secret before, V1Secret after) {
    boolean wasCandidate = clusterLabelOf(before) != null;
    boolean isCandidate = clusterLabelOf(after) != null;
    if (!wasCandidate && !isCandidate) {
      return false;
    }
    if (before == null || after == null || wasCandidate != isCandidate) {
      return true;
    }
    return !Objects.equals(before.getMetadata().getLabels(), after.getMetadata().getLabels())
        || !sameData(before.getData(), after.getData());
  }

  private static boolean sameData(Map<String, byte[]> a, Map<String, byte[]> b) {
    Map<String, byte[]> left = a == null ? Map.of() : a;
    Map<String, byte[]> right = b == null ? Map.of() : b;
    if (!left.keySet().equals(right.keySet())) {
      return false;
    }
    return left.entrySet().stream()
        .allMatch(e -> Arrays.equals(e.getValue(), right.get(e.getKey())));
  }

  @Override
  public void onAdd(V1Secret secret) {
    applied(secret);
    if (matters(null, secret)) {
      changed.run();
    }
  }

  @Override
  public void onUpdate(V1Secret before, V1Secret after) {
    // a bundle of an earlier version is never served again, and a version that cannot be
    // used (its key taken out) or that no cluster asks for is never parsed to replace it
    if (after != null && after.getMetadata() != null) {
      applied(after);
      forgetUnless.accept(key(after), after.getMetadata().getResourceVersion());
    }
    if (matters(before, after)) {
      changed.run();
    }
  }

  @Override
  public void onDelete(V1Secret secret, boolean finalStateUnknown) {
    if (secret != null && secret.getMetadata() != null) {
      forget.accept(key(secret));
      unreadable.appliedDeletion(ItemByItem.keyOf(secret.getMetadata()), secret);
    }
    // one deleted through an event whose Secret could not be read may carry no labels
    if (matters(secret, null) || clusterLabelOf(secret) == null) {
      changed.run();
    }
  }

  /** The cache holds {@code secret} now, which may be one that can be read again. */
  private void applied(V1Secret secret) {
    if (secret != null && secret.getMetadata() != null) {
      unreadable.applied(ItemByItem.keyOf(secret.getMetadata()), secret);
    }
  }

  private static String key(V1Secret secret) {
    return secret.getMetadata().getNamespace() + "/" + secret.getMetadata().getName();
  }
}
