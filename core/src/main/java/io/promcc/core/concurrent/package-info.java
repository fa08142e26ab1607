/**
 * Waiting at most a bound for work that may never end (a read of a file on a volume that hangs),
 * on threads of its own: the work itself (the adapters' and the app's reads) is the caller's.
 */
package io.promcc.core.concurrent;
