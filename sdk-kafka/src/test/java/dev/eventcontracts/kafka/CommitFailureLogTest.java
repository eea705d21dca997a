package dev.eventcontracts.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventcontracts.kafka.CommitFailureLog.Logged;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/** A broker outage is logged when it begins and when it ends, not at every failed commit. */
class CommitFailureLogTest {
  private final AtomicLong nanos = new AtomicLong();
  private final CommitFailureLog log = new CommitFailureLog("orders", nanos::get);

  @Test
  void oneWarningPerOutageThenOneLineWhenCommitsSucceedAgain() {
    assertThat(log.succeeded()).isEqualTo(Logged.NOTHING);
    assertThat(log.failing()).isFalse();

    TimeoutException cause = new TimeoutException("broker unreachable");
    assertThat(log.failed("async commit", 3, cause)).isEqualTo(Logged.FIRST_FAILURE);
    for (int i = 0; i < 50; i++) { // about ten seconds of an outage at five commits a second
      nanos.addAndGet(200_000_000);
      assertThat(log.failed("async commit", 3, cause)).isEqualTo(Logged.FAILURE_WHILE_FAILING);
    }
    assertThat(log.failing()).isTrue();

    assertThat(log.succeeded()).isEqualTo(Logged.RECOVERED);
    assertThat(log.succeeded()).isEqualTo(Logged.NOTHING);
    assertThat(log.failing()).isFalse();

    // the next outage is reported again
    assertThat(log.failed("sync commit", 1, cause)).isEqualTo(Logged.FIRST_FAILURE);
  }
}
