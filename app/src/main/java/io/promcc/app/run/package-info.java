/**
 * {@code promcc run}: the Dagger component that wires core and adapters from the settings, and
 * the controller's start-up and orderly stop.
 */
package io.promcc.app.run;
