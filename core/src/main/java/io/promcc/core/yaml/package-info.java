/**
 * YAML in and out: a fast deterministic writer for generated jobs, strict readers for profiles and
 * cluster lists, and the base-config merge that keeps everything it does not own as written.
 */
package io.promcc.core.yaml;
