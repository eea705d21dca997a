package dev.eventcontracts.pipeline;

import dev.eventcontracts.dlq.DeadLetter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The no-op, composite and guarded {@link PipelineListener}s. A guarded listener catches what its
 * delegate throws: a listener is the user's code, and an observer must never change what happens to
 * a message.
 */
final class Listeners {
  private static final Logger LOG = LoggerFactory.getLogger(EventPipeline.class);

  static final PipelineListener NOOP = new PipelineListener() {};

  private Listeners() {}

  static PipelineListener composite(List<? extends PipelineListener> listeners) {
    List<PipelineListener> all = new ArrayList<>(listeners.size());
    for (PipelineListener l : listeners) {
      PipelineListener listener = Objects.requireNonNull(l, "listener");
      if (listener != NOOP) {
        all.add(guarded(listener));
      }
    }
    return switch (all.size()) {
      case 0 -> NOOP;
      case 1 -> all.get(0);
      default -> new Composite(all.toArray(PipelineListener[]::new));
    };
  }

  /** {@code listener}, made unable to throw. */
  static PipelineListener guarded(PipelineListener listener) {
    return listener instanceof Guarded || listener == NOOP ? listener : new Guarded(listener);
  }

  /** Calls each listener in turn; each one is guarded. */
  private static final class Composite implements PipelineListener {
    private final PipelineListener[] listeners;

    Composite(PipelineListener[] listeners) {
      this.listeners = listeners;
    }

    @Override
    public void onOutcome(String event, String version, ProcessingResult result) {
      for (PipelineListener l : listeners) {
        l.onOutcome(event, version, result);
      }
    }

    @Override
    public void onRetry(String event, String version, ProcessingResult result) {
      for (PipelineListener l : listeners) {
        l.onRetry(event, version, result);
      }
    }

    @Override
    public void onHandler(String event, boolean success, long nanos) {
      for (PipelineListener l : listeners) {
        l.onHandler(event, success, nanos);
      }
    }

    @Override
    public void onStoreCall(String store, String operation, long nanos) {
      for (PipelineListener l : listeners) {
        l.onStoreCall(store, operation, nanos);
      }
    }

    @Override
    public void onStoreFailure(String operation, Throwable error) {
      for (PipelineListener l : listeners) {
        l.onStoreFailure(operation, error);
      }
    }

    @Override
    public void onReplay(String event, ReplayPolicy policy) {
      for (PipelineListener l : listeners) {
        l.onReplay(event, policy);
      }
    }

    @Override
    public void onKeyMismatch(String event) {
      for (PipelineListener l : listeners) {
        l.onKeyMismatch(event);
      }
    }

    @Override
    public void onKeyReuse(String event, String version, ProcessingResult result) {
      for (PipelineListener l : listeners) {
        l.onKeyReuse(event, version, result);
      }
    }

    @Override
    public void onDeadLetter(DeadLetter deadLetter) {
      for (PipelineListener l : listeners) {
        l.onDeadLetter(deadLetter);
      }
    }

    @Override
    public void onDeadLetterFailure(DeadLetter deadLetter, Throwable error) {
      for (PipelineListener l : listeners) {
        l.onDeadLetterFailure(deadLetter, error);
      }
    }
  }

  /**
   * Catches whatever the delegate throws (but virtual-machine errors such as running out of
   * memory); the first failure is logged with its stack trace, later ones at debug level.
   */
  private static final class Guarded implements PipelineListener {
    private final PipelineListener delegate;
    private final AtomicBoolean logged = new AtomicBoolean();

    Guarded(PipelineListener delegate) {
      this.delegate = delegate;
    }

    private void failed(String callback, Throwable e) {
      if (logged.compareAndSet(false, true)) {
        LOG.warn(
            "pipeline listener {} threw from {}; ignored (and logged at debug level from now on)",
            delegate.getClass().getName(),
            callback,
            e);
      } else {
        LOG.debug("pipeline listener {} threw from {}", delegate.getClass().getName(), callback, e);
      }
    }

    @Override
    public void onOutcome(String event, String version, ProcessingResult result) {
      try {
        delegate.onOutcome(event, version, result);
      } catch (RuntimeException | LinkageError | AssertionError e) {
        failed("onOutcome", e);
      }
    }

    @Override
    public void onRetry(String event, String version, ProcessingResult result) {
      try {
        delegate.onRetry(event, version, result);
      } catch (RuntimeException | LinkageError | AssertionError e) {
        failed("onRetry", e);
      }
    }

    @Override
    public void onHandler(String event, boolean success, long nanos) {
      try {
        delegate.onHandler(event, success, nanos);
      } catch (RuntimeException | LinkageError | AssertionError e) {
        failed("onHandler", e);
      }
    }

    @Override
    public void onStoreCall(String store, String operation, long nanos) {
      try {
        delegate.onStoreCall(store, operation, nanos);
      } catch (RuntimeException | LinkageError | AssertionError e) {
        failed("onStoreCall", e);
      }
    }

    @Override
    public void onStoreFailure(String operation, Throwable error) {
      try {
        delegate.onStoreFailure(operation, error);
      } catch (RuntimeException | LinkageError | AssertionError e) {
        failed("onStoreFailure", e);
      }
    }

    @Override
    public void onReplay(String event, ReplayPolicy policy) {
      try {
        delegate.onReplay(event, policy);
      } catch (RuntimeException | LinkageError | AssertionError e) {
        failed("onReplay", e);
      }
    }

    @Override
    public void onKeyMismatch(String event) {
      try {
        delegate.onKeyMismatch(event);
      } catch (RuntimeException | LinkageError | AssertionError e) {
        failed("onKeyMismatch", e);
      }
    }

    @Override
    public void onKeyReuse(String event, String version, ProcessingResult result) {
      try {
        delegate.onKeyReuse(event, version, result);
      } catch (RuntimeException | LinkageError | AssertionError e) {
        failed("onKeyReuse", e);
      }
    }

    @Override
    public void onDeadLetter(DeadLetter deadLetter) {
      try {
        delegate.onDeadLetter(deadLetter);
      } catch (RuntimeException | LinkageError | AssertionError e) {
        failed("onDeadLetter", e);
      }
    }

    @Override
    public void onDeadLetterFailure(DeadLetter deadLetter, Throwable error) {
      try {
        delegate.onDeadLetterFailure(deadLetter, error);
      } catch (RuntimeException | LinkageError | AssertionError e) {
        failed("onDeadLetterFailure", e);
      }
    }
  }
}
