/**
 * The standalone controller: command line, configuration and wiring of core and adapters.
 */
package io.promcc.app;
