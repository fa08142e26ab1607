/**
 * The controller's loop: when to reconcile (triggers: a short settle for a lone change, a
 * trailing debounce bounded by a maximum delay for a burst; renewal deadlines, a resync period,
 * backoff after failures), one reconcile at a time, and an orderly stop.
 */
package io.promcc.app.loop;
