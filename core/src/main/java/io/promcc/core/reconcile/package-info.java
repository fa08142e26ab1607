/**
 * The whole path from sources to a verified Prometheus config as one synchronous call,
 * {@link io.promcc.core.reconcile.Reconciler#reconcile()}, for the controller's loop and for
 * other operators that embed it.
 */
package io.promcc.core.reconcile;
