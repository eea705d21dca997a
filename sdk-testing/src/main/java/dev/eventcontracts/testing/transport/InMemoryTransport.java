package dev.eventcontracts.testing.transport;

import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.envelope.Origin;
import dev.eventcontracts.pipeline.EventPipeline;
import dev.eventcontracts.pipeline.ProcessingResult;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A transport in memory with the delivery rules the SDK's adapters follow, for tests of handlers
 * and wiring without a broker, and as the reference {@link TransportContract} runs against: each
 * key is a queue delivered in order, one message at a time; a message leaves its queue only when
 * its result is final ({@code ACKNOWLEDGE}); a {@code RETRY} keeps it at the head of its key, to be
 * delivered again after the result's {@code retryAfter} with the next delivery attempt; other keys
 * flow meanwhile. Consumers started on one source share its queues. Thread-safe.
 */
public final class InMemoryTransport implements TransportUnderTest {
  /** The transport name in the messages' {@link Origin}. */
  public static final String TRANSPORT = "memory";

  /** Deliberate defects, so the kit's own tests can show that each check catches one. */
  enum Defect {
    NONE,
    /** Acknowledges a {@code RETRY} result as if it were final. */
    ACKS_RETRIES,
    /** Puts a retried message behind the rest of its key. */
    RETRIES_OUT_OF_ORDER,
    /** Sets the replay attribute when the payload mentions {@code replay}. */
    REPLAY_FROM_PAYLOAD,
    /** A killed consumer drops the unacknowledged messages of the key it was on. */
    LOSES_ON_KILL
  }

  private final Defect defect;

  /** A transport in memory. */
  public InMemoryTransport() {
    this(Defect.NONE);
  }

  InMemoryTransport(Defect defect) {
    this.defect = defect;
  }

  @Override
  public MemorySource source(String name) {
    return new MemorySource(Objects.requireNonNull(name, "name"), defect);
  }

  /** One message waiting in a key's queue. */
  private static final class Waiting {
    final InboundMessage message;
    int deliveries;
    long notBeforeNanos;

    Waiting(InboundMessage message) {
      this.message = message;
    }
  }

  /** A source: one queue per key, in the order the keys first appeared. */
  public static final class MemorySource implements Source {
    private final String name;
    private final Defect defect;
    private final Map<String, Deque<Waiting>> queues = new LinkedHashMap<>();
    private final Map<String, MemoryConsumer> leases = new LinkedHashMap<>();
    private long offset;

    private MemorySource(String name, Defect defect) {
      this.name = name;
      this.defect = defect;
    }

    @Override
    public synchronized void send(String key, byte[] value, Map<String, String> attributes) {
      Map<String, String> attrs = attributes;
      if (defect == Defect.REPLAY_FROM_PAYLOAD
          && new String(value, java.nio.charset.StandardCharsets.UTF_8).contains("\"replay\"")) {
        attrs = new java.util.HashMap<>(attributes);
        attrs.put("replay", "true");
      }
      InboundMessage message =
          InboundMessage.builder(value.clone())
              .key(key)
              .attributes(attrs)
              .origin(
                  Origin.builder(TRANSPORT, name)
                      .offset(offset++)
                      .timestampMillis(System.currentTimeMillis())
                      .build())
              .build();
      queues.computeIfAbsent(key, k -> new ArrayDeque<>()).add(new Waiting(message));
      notifyAll();
    }

    /** Messages not yet acknowledged, over all keys. */
    public synchronized int unacknowledged() {
      return queues.values().stream().mapToInt(Deque::size).sum();
    }

    @Override
    public MemoryConsumer start(EventPipeline pipeline) {
      MemoryConsumer consumer = new MemoryConsumer(this, pipeline);
      consumer.thread.start();
      return consumer;
    }

    /** The next message for {@code consumer}: the head of a key no other consumer holds. */
    private synchronized Map.@Nullable Entry<String, Waiting> next(MemoryConsumer consumer)
        throws InterruptedException {
      while (!consumer.stopping) {
        long now = System.nanoTime();
        long wait = TimeUnit.MILLISECONDS.toNanos(100);
        for (Map.Entry<String, Deque<Waiting>> e : queues.entrySet()) {
          Waiting head = e.getValue().peek();
          if (head == null || leases.containsKey(e.getKey())) {
            continue;
          }
          if (head.notBeforeNanos - now > 0) {
            wait = Math.min(wait, head.notBeforeNanos - now);
            continue;
          }
          leases.put(e.getKey(), consumer);
          head.deliveries++;
          return Map.entry(e.getKey(), head);
        }
        TimeUnit.NANOSECONDS.timedWait(this, Math.max(1_000_000, wait));
      }
      return null;
    }

    /** Applies a result: acknowledged messages leave their queue; the key is free again. */
    private synchronized void done(String key, Waiting waiting, ProcessingResult result) {
      leases.remove(key);
      Deque<Waiting> queue = queues.get(key);
      if (result == null) {
        // killed or failed before a result: delivered again, at once
        if (defect == Defect.LOSES_ON_KILL) {
          queue.clear();
        }
      } else if (result.acknowledged() || defect == Defect.ACKS_RETRIES) {
        queue.remove(waiting);
      } else {
        waiting.notBeforeNanos = System.nanoTime() + result.retryAfter().toNanos();
        if (defect == Defect.RETRIES_OUT_OF_ORDER) {
          queue.remove(waiting);
          queue.addLast(waiting);
        }
      }
      notifyAll();
    }

    private synchronized void wake() {
      notifyAll();
    }
  }

  /** A consumer of a {@link MemorySource}, on its own thread. */
  public static final class MemoryConsumer implements RunningConsumer {
    private final MemorySource source;
    private final EventPipeline pipeline;
    private final Thread thread;
    private volatile boolean stopping;
    private volatile boolean killed;

    private MemoryConsumer(MemorySource source, EventPipeline pipeline) {
      this.source = source;
      this.pipeline = pipeline;
      this.thread = new Thread(this::loop, "in-memory-transport-" + source.name);
      thread.setDaemon(true);
    }

    private void loop() {
      try {
        Map.Entry<String, Waiting> next;
        while ((next = source.next(this)) != null) {
          Waiting waiting = next.getValue();
          ProcessingResult result = null;
          try {
            result = pipeline.process(waiting.message, waiting.deliveries);
          } finally {
            source.done(next.getKey(), waiting, killed ? null : result);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void stop() throws InterruptedException {
      stopping = true;
      source.wake();
      thread.join(TimeUnit.SECONDS.toMillis(30));
    }

    @Override
    public void kill() throws InterruptedException {
      killed = true;
      stop();
    }
  }
}
