/**
 * Provider-neutral value types: guest clusters, certificates, settings and the desired state.
 * Every type here is immutable and validates its input in its constructor.
 */
package io.promcc.core.model;
