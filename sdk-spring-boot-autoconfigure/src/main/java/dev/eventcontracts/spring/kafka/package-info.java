/**
 * The event pipeline inside Spring Kafka listener containers: {@link
 * dev.eventcontracts.spring.kafka.EventPipelineListener} runs each record through the pipeline and
 * {@link dev.eventcontracts.spring.kafka.EventPipelineErrorHandler} makes the container redeliver
 * what the pipeline wants retried, after the pipeline's delay.
 */
@NullMarked
package dev.eventcontracts.spring.kafka;

import org.jspecify.annotations.NullMarked;
