/**
 * A Kubernetes API server fake for tests: in-memory objects with a global resourceVersion, list
 * and watch (chunked JSON events, bookmarks, 410 Gone), optimistic concurrency, label and field
 * selectors, discovery, API-server proxy paths, HTTPS with optional client certificates and fault
 * injection. Both the official Java client and a real Prometheus ({@code kubernetes_sd_configs})
 * can use it. Published in this module's test-jar.
 */
package io.promcc.kube.fake;
