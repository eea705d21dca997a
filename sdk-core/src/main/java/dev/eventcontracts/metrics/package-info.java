/**
 * Meter names and tags (one place, listed in {@code docs/pipeline.md}) and the Micrometer binding:
 * {@link dev.eventcontracts.metrics.MicrometerPipelineListener}, a pipeline listener.
 */
@NullMarked
package dev.eventcontracts.metrics;

import org.jspecify.annotations.NullMarked;
