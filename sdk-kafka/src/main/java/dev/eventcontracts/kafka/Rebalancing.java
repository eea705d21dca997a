package dev.eventcontracts.kafka;

import java.util.Collection;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the consumer does when the group takes partitions away. Revoked: the partitions' records in
 * progress finish (no further record starts), their results are applied and committed
 * synchronously, then the partitions are forgotten. Lost (another member may own them already): the
 * records in progress finish, nothing is committed. The user's listener hears of every change after
 * that. Runs inside {@code poll}, on the polling thread.
 */
final class Rebalancing implements ConsumerRebalanceListener {
  private static final Logger LOG = LoggerFactory.getLogger(Rebalancing.class);

  private final PollLoop loop;
  private final ConsumerRebalanceListener userListener;

  Rebalancing(PollLoop loop, ConsumerRebalanceListener userListener) {
    this.loop = loop;
    this.userListener = userListener;
  }

  @Override
  public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
    try {
      loop.finishAndCommit(partitions);
    } finally {
      loop.forget(partitions);
      tell(l -> l.onPartitionsRevoked(partitions));
    }
  }

  @Override
  public void onPartitionsLost(Collection<TopicPartition> partitions) {
    try {
      loop.finish(partitions); // another member may own them already: no commit
    } finally {
      loop.forget(partitions);
      tell(l -> l.onPartitionsLost(partitions));
    }
  }

  @Override
  public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
    tell(l -> l.onPartitionsAssigned(partitions));
  }

  private void tell(Consumer<ConsumerRebalanceListener> call) {
    if (userListener != null) {
      try {
        call.accept(userListener);
      } catch (RuntimeException e) {
        LOG.warn("rebalance listener failed", e);
      }
    }
  }
}
