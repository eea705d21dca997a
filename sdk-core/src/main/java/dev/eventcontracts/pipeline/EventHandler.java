package dev.eventcontracts.pipeline;

/**
 * User code that applies one event. It only ever sees events that honour their contract, are not
 * duplicates and are not stale. Throwing makes the pipeline retry (or dead-letter) the event.
 *
 * @param <T> the payload type: a user record bound by Jackson, or {@code JsonNode}
 */
@FunctionalInterface
public interface EventHandler<T> {

  /** Applies one event. */
  void handle(T payload, EventContext context) throws Exception;
}
