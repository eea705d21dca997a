/**
 * Meter names and tags (one place, listed in {@code docs/pipeline.md}) and the Micrometer binding:
 * {@link dev.eventcontracts.metrics.MicrometerPipelineListener}, a pipeline listener.
 */
package dev.eventcontracts.metrics;
