/**
 * Cluster-wide side effects, published once for all replicas: a Kubernetes Event on each
 * Service whose guest cluster is rejected or waits, from the holder of a Lease only.
 */
package io.promcc.app.events;
