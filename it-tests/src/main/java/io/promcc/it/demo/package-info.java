/**
 * The demo behind {@code scripts/demo.sh}: local mode with simulated guest clusters and the real
 * Prometheus on this machine, in one command.
 */
package io.promcc.it.demo;
