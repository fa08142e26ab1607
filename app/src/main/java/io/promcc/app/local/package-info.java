/**
 * Local mode: guest clusters from a watched file, client certificates from a local CA or a
 * watched folder, and the file watcher both use. Nothing here needs Kubernetes or Vault.
 */
package io.promcc.app.local;
