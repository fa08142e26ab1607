/**
 * Kubernetes adapter: guest clusters from labelled Services, client certificates from Secrets and
 * leader election with a Lease, on the official Kubernetes Java client. Its Dagger module is
 * {@link io.promcc.kube.KubeAdapterModule}.
 */
package io.promcc.kube;
