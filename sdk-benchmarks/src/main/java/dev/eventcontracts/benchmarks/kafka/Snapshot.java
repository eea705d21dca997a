package dev.eventcontracts.benchmarks.kafka;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What this JVM has spent up to one moment: wall clock, process CPU time (every thread, including
 * garbage collection and the JIT compiler), CPU time and allocated bytes of every live Java thread,
 * and garbage collections. Two snapshots give the cost of what ran between them.
 */
final class Snapshot {
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  /** One Java thread at the moment of the snapshot. */
  record ThreadSample(String name, long cpuNanos, long allocatedBytes) {}

  final long wallNanos;
  final long processCpuNanos;
  final Map<Long, ThreadSample> threads;
  final long gcCount;
  final long gcMillis;
  final long brokerCpuNanos;

  private Snapshot(
      long wallNanos,
      long processCpuNanos,
      Map<Long, ThreadSample> threads,
      long gcCount,
      long gcMillis,
      long brokerCpuNanos) {
    this.wallNanos = wallNanos;
    this.processCpuNanos = processCpuNanos;
    this.threads = threads;
    this.gcCount = gcCount;
    this.gcMillis = gcMillis;
    this.brokerCpuNanos = brokerCpuNanos;
  }

  static {
    if (THREADS.isThreadCpuTimeSupported() && !THREADS.isThreadCpuTimeEnabled()) {
      THREADS.setThreadCpuTimeEnabled(true);
    }
    if (THREADS.isThreadAllocatedMemorySupported() && !THREADS.isThreadAllocatedMemoryEnabled()) {
      THREADS.setThreadAllocatedMemoryEnabled(true);
    }
  }

  /** Takes a snapshot; {@code broker} adds the broker process's CPU time when it is separate. */
  static Snapshot take(BrokerProcess broker) {
    long wall = System.nanoTime();
    long cpu = OS.getProcessCpuTime();
    long[] ids = THREADS.getAllThreadIds();
    long[] threadCpu = THREADS.getThreadCpuTime(ids);
    long[] allocated = THREADS.getThreadAllocatedBytes(ids);
    ThreadInfo[] infos = THREADS.getThreadInfo(ids);
    Map<Long, ThreadSample> threads = new HashMap<>();
    for (int i = 0; i < ids.length; i++) {
      if (infos[i] != null && threadCpu[i] >= 0) {
        threads.put(ids[i], new ThreadSample(infos[i].getThreadName(), threadCpu[i], allocated[i]));
      }
    }
    long gcCount = 0;
    long gcMillis = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      gcCount += Math.max(0, gc.getCollectionCount());
      gcMillis += Math.max(0, gc.getCollectionTime());
    }
    long brokerCpu = broker == null ? -1 : broker.cpuNanos();
    return new Snapshot(wall, cpu, threads, gcCount, gcMillis, brokerCpu);
  }

  /** CPU nanoseconds of the Java threads matching {@code names} between two snapshots. */
  static long threadCpu(Snapshot start, Snapshot end, Predicate<String> names) {
    long sum = 0;
    for (Map.Entry<Long, ThreadSample> e : end.threads.entrySet()) {
      ThreadSample now = e.getValue();
      if (names.test(now.name())) {
        ThreadSample before = start.threads.get(e.getKey());
        sum += now.cpuNanos() - (before == null ? 0 : before.cpuNanos());
      }
    }
    return sum;
  }

  /** Bytes allocated by the Java threads matching {@code names} between two snapshots. */
  static long threadAllocated(Snapshot start, Snapshot end, Predicate<String> names) {
    long sum = 0;
    for (Map.Entry<Long, ThreadSample> e : end.threads.entrySet()) {
      ThreadSample now = e.getValue();
      if (names.test(now.name())) {
        ThreadSample before = start.threads.get(e.getKey());
        sum += now.allocatedBytes() - (before == null ? 0 : before.allocatedBytes());
      }
    }
    return sum;
  }

  /** The 1, 5 and 15 minute load averages and the run queue, as {@code /proc/loadavg} says. */
  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).strip();
    } catch (IOException | RuntimeException e) {
      return "unavailable (" + e + ")";
    }
  }
}
