/**
 * The normalized view of an event ({@link dev.eventcontracts.envelope.Envelope}), the transport
 * neutral message it is read from, and the pluggable envelope formats that map the five seed shapes
 * (and any shape a user describes) onto it.
 */
@NullMarked
package dev.eventcontracts.envelope;

import org.jspecify.annotations.NullMarked;
