/**
 * The transport compatibility kit: {@link dev.eventcontracts.testing.transport.TransportContract},
 * an abstract JUnit 5 class that checks a transport adapter's delivery rules end to end, the SPI an
 * adapter implements for it ({@link dev.eventcontracts.testing.transport.TransportUnderTest}), and
 * {@link dev.eventcontracts.testing.transport.InMemoryTransport}, a transport in memory with the
 * same rules, and {@link dev.eventcontracts.testing.transport.RecordingHandler}, a handler that
 * records its calls and the consumer's results for an adapter's own tests.
 */
@NullMarked
package dev.eventcontracts.testing.transport;

import org.jspecify.annotations.NullMarked;
