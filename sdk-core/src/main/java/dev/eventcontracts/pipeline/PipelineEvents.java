package dev.eventcontracts.pipeline;

import dev.eventcontracts.dlq.DeadLetter;

/**
 * Where the pipeline's classes report what happens, for its {@link PipelineListener}s (already
 * guarded and combined). With no listener every call returns at once.
 */
final class PipelineEvents {
  private final PipelineListener listener;
  private final boolean enabled;

  PipelineEvents(PipelineListener listener) {
    this.listener = listener;
    this.enabled = listener != PipelineListener.noop();
  }

  void outcome(PreparedMessage p, ProcessingResult result) {
    if (enabled) {
      listener.onOutcome(p.metricEvent(), p.metricVersion(), result);
    }
  }

  void retry(PreparedMessage p, ProcessingResult result) {
    if (enabled) {
      listener.onRetry(p.metricEvent(), p.metricVersion(), result);
    }
  }

  void keyReuse(PreparedMessage p, ProcessingResult result) {
    if (enabled) {
      listener.onKeyReuse(p.metricEvent(), p.metricVersion(), result);
    }
  }

  void handler(String event, boolean success, long nanos) {
    if (enabled) {
      listener.onHandler(event, success, nanos);
    }
  }

  void store(String store, String operation, long nanos) {
    if (enabled) {
      listener.onStoreCall(store, operation, nanos);
    }
  }

  void storeFailure(String operation, Throwable error) {
    if (enabled) {
      listener.onStoreFailure(operation, error);
    }
  }

  void replay(String event, String policy) {
    if (enabled) {
      listener.onReplay(event, ReplayPolicy.valueOf(policy));
    }
  }

  void keyMismatch(String event) {
    if (enabled) {
      listener.onKeyMismatch(event);
    }
  }

  void deadLetter(DeadLetter deadLetter) {
    if (enabled) {
      listener.onDeadLetter(deadLetter);
    }
  }

  void deadLetterFailure(DeadLetter deadLetter, Throwable error) {
    if (enabled) {
      listener.onDeadLetterFailure(deadLetter, error);
    }
  }
}
