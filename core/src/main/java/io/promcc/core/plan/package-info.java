/**
 * The planner: scrape profile, job rendering, base-config merge, validation, diff and shard
 * assignment. Pure functions of their inputs.
 */
package io.promcc.core.plan;
