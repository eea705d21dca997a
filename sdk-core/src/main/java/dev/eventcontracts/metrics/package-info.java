/**
 * Meter names and tags (one place, listed in {@code docs/pipeline.md}) and the Micrometer binding
 * the pipeline records through.
 */
package dev.eventcontracts.metrics;
