package io.promcc.vault;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableSortedMap;
import io.promcc.core.model.ClusterId;
import java.util.SortedMap;

/**
 * What one {@link VaultCertificateSource#refresh} did.
 *
 * @param clusters distinct clusters looked at
 * @param issued clusters that got a new certificate from Vault
 * @param failures clusters without a usable certificate, with the reason (e.g.
 *     {@code vault-sealed}, {@code expired}); clusters that kept a valid certificate while Vault
 *     failed are not listed
 */
public record RefreshSummary(int clusters, int issued, SortedMap<ClusterId, String> failures) {
  public RefreshSummary {
    requireNonNull(failures, "failures == null");
    failures = ImmutableSortedMap.copyOfSorted(failures);
    if (clusters < 0 || issued < 0 || issued + failures.size() > clusters) {
      throw new IllegalArgumentException("inconsistent counts: " + clusters + ", " + issued + ", "
          + failures.size());
    }
  }
}
