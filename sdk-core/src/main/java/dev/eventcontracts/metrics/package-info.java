/**
 * Meter names and tags (one place, listed in {@code docs/pipeline.md}) and the Micrometer binding
 * the pipeline records through.
 */
@NullMarked
package dev.eventcontracts.metrics;

import org.jspecify.annotations.NullMarked;
