/**
 * The settings of {@code promcc run} and {@code promcc check}: one table of options, each
 * readable from a flag, an environment variable and the YAML config file (in that order of
 * precedence), validated together so every problem is reported at once.
 */
package io.promcc.app.settings;
