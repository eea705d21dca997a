/**
 * The Google Cloud Pub/Sub adapter: {@link dev.eventcontracts.pubsub.PubSubEventConsumer} around
 * the client's Subscriber, {@link dev.eventcontracts.pubsub.PubSubMessageReceiver} for your own
 * Subscriber, {@link dev.eventcontracts.pubsub.PubSubDeadLetterSink}, and the attribute mapping.
 */
@NullMarked
package dev.eventcontracts.pubsub;

import org.jspecify.annotations.NullMarked;
