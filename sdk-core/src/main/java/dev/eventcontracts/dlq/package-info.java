/**
 * Dead letters: the {@link dev.eventcontracts.dlq.DeadLetter} record that carries a rejected
 * message with its reason, the {@link dev.eventcontracts.dlq.DeadLetterSink} extension point, and
 * an in-memory sink.
 */
@NullMarked
package dev.eventcontracts.dlq;

import org.jspecify.annotations.NullMarked;
