package dev.eventcontracts.spring.kafka;

import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.kafka.KafkaMessages;
import dev.eventcontracts.pipeline.EventPipeline;
import dev.eventcontracts.pipeline.ProcessingResult;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.kafka.support.KafkaUtils;

/**
 * Runs Kafka records through an {@link EventPipeline} inside a Spring Kafka listener container,
 * with the outcomes, retries and dead letters of the SDK's own {@code KafkaEventConsumer}:
 *
 * <ul>
 *   <li>an {@code ACKNOWLEDGE} result (handled, duplicate, stale, or stored as a dead letter)
 *       returns normally, so the container commits the record;
 *   <li>a {@code RETRY} result throws {@link EventRetryException}: the container's error handler
 *       must seek back to the record ({@link EventPipelineErrorHandler#create()}), so it is not
 *       committed and comes again after the result's {@code retryAfter}, with the delivery attempt
 *       counted here per partition and offset; the pipeline dead-letters it after its last attempt.
 * </ul>
 *
 * <p>Use it as the container's listener, or call {@link #process} from a {@code @KafkaListener}
 * method taking {@code ConsumerRecord<byte[], byte[]>} (byte-array deserializers are required).
 * Calls come from the container's consumer threads; one partition is never on two threads.
 */
public class EventPipelineListener implements MessageListener<byte[], byte[]> {
  private static final int MAX_TRACKED = 10_000;

  private final EventPipeline pipeline;
  private final Consumer<ProcessingResult> onResult;
  private final Map<String, Integer> attempts =
      new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
          return size() > MAX_TRACKED;
        }
      };

  /** A listener for {@code pipeline}. */
  public EventPipelineListener(EventPipeline pipeline) {
    this(pipeline, result -> {});
  }

  /** A listener for {@code pipeline} that also tells {@code onResult} about every result. */
  public EventPipelineListener(EventPipeline pipeline, Consumer<ProcessingResult> onResult) {
    this.pipeline = pipeline;
    this.onResult = onResult;
  }

  @Override
  public void onMessage(ConsumerRecord<byte[], byte[]> record) {
    process(record);
  }

  /**
   * Processes one record and returns the result when it may be committed.
   *
   * @throws EventRetryException when the record must be delivered again
   */
  public ProcessingResult process(ConsumerRecord<byte[], byte[]> record) {
    String position = record.topic() + "-" + record.partition() + "@" + record.offset();
    int attempt;
    synchronized (attempts) {
      attempt = attempts.getOrDefault(position, 0) + 1;
    }
    ProcessingResult result = pipeline.process(message(record), attempt);
    onResult.accept(result);
    synchronized (attempts) {
      if (result.acknowledged()) {
        attempts.remove(position);
      } else {
        attempts.put(position, attempt);
      }
    }
    if (!result.acknowledged()) {
      EventPipelineErrorHandler.nextDelay(result.retryAfter());
      throw new EventRetryException(result, position);
    }
    return result;
  }

  /** The pipeline's view of a record: the rule every SDK transport applies. */
  static InboundMessage message(ConsumerRecord<byte[], byte[]> record) {
    return KafkaMessages.of(record, KafkaUtils.getConsumerGroupId());
  }
}
