package dev.eventcontracts.spring.kafka;

import java.time.Duration;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

/**
 * The container error handler that {@link EventPipelineListener} needs: a {@link
 * DefaultErrorHandler} that seeks back to a record the pipeline wants retried (so it is not
 * committed) and waits the pipeline's {@code retryAfter} before the redelivery, as many times as
 * the pipeline asks. It never gives up and never calls a recoverer: the pipeline decides when a
 * record is dead-lettered, and then acknowledges it. Any other exception from the listener (not one
 * of the pipeline's) is retried every {@link #OTHER_FAILURE_DELAY} rather than skipped, so nothing
 * is lost.
 */
public final class EventPipelineErrorHandler {

  /** The delay before redelivering a record whose listener failed outside the pipeline. */
  public static final Duration OTHER_FAILURE_DELAY = Duration.ofSeconds(1);

  private static final ThreadLocal<Duration> NEXT = new ThreadLocal<>();

  private EventPipelineErrorHandler() {}

  /** A new error handler for containers whose listener runs an {@link EventPipelineListener}. */
  public static DefaultErrorHandler create() {
    DefaultErrorHandler handler = new DefaultErrorHandler(new PipelineBackOff());
    handler.setAckAfterHandle(false);
    handler.setSeekAfterError(true);
    handler.setResetStateOnExceptionChange(false);
    handler.setResetStateOnRecoveryFailure(false);
    return handler;
  }

  static void nextDelay(Duration delay) {
    NEXT.set(delay);
  }

  static Duration lastDelay() {
    Duration delay = NEXT.get();
    return delay == null ? OTHER_FAILURE_DELAY : delay;
  }

  /**
   * Unlimited: each execution answers the delay of the latest {@code RETRY} on the consumer thread,
   * which is the thread that calls the listener and then the error handler.
   */
  private static final class PipelineBackOff implements BackOff {
    @Override
    public BackOffExecution start() {
      return () -> {
        Duration delay = NEXT.get();
        NEXT.remove();
        return (delay == null ? OTHER_FAILURE_DELAY : delay).toMillis();
      };
    }
  }
}
