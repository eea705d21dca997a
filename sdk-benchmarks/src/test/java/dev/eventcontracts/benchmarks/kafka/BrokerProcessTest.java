package dev.eventcontracts.benchmarks.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

/** The benchmark's broker in a child JVM, launched through sdk-testing's LocalServer. */
class BrokerProcessTest {

  @Test
  void aSeparateBrokerJvmServesClientsAndIsGoneAfterClose() throws Exception {
    BrokerProcess broker = BrokerProcess.separate("384m");
    long pid;
    try {
      pid = Long.parseLong(broker.describe().replaceAll("\\D+", ""));
      assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "alive");
      try (Admin admin =
          Admin.create(
              Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
        assertEquals(1, admin.describeCluster().nodes().get(60, TimeUnit.SECONDS).size());
      }
      assertTrue(broker.cpuNanos() > 0, "the child's CPU time is measured");
    } finally {
      broker.close();
    }
    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "stopped");
  }
}
