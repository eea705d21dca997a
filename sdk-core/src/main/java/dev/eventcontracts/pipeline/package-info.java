/**
 * The consumer pipeline: handlers bound per event, the context they receive, the outcome decided
 * for every message and the instruction it gives the transport (acknowledge or retry later). The
 * Kafka and Pub/Sub adapters only translate records and dispositions; every rule lives here.
 */
@NullMarked
package dev.eventcontracts.pipeline;

import org.jspecify.annotations.NullMarked;
