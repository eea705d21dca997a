package dev.eventcontracts.pubsub;

import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import dev.eventcontracts.pipeline.EventPipeline;
import dev.eventcontracts.testing.transport.TransportContract;
import dev.eventcontracts.testing.transport.TransportUnderTest;
import java.time.Duration;
import java.util.Map;

/**
 * {@link PubSubEventConsumer} passes the transport compatibility kit on the Pub/Sub test server: a
 * topic with a subscription that orders by key, several handler threads.
 */
class PubSubTransportTest extends TransportContract {
  @Override
  protected TransportUnderTest transport() {
    PubSubTestSupport.server(); // skips the class (fails it in CI) without a server
    return name -> {
      String topic = PubSubTestSupport.topic(name);
      String subscription =
          PubSubTestSupport.subscription(topic, name, b -> b.setEnableMessageOrdering(true));
      return new TransportUnderTest.Source() {
        @Override
        public void send(String key, byte[] value, Map<String, String> attributes) {
          PubSubTestSupport.publish(
              topic,
              PubsubMessage.newBuilder()
                  .setData(ByteString.copyFrom(value))
                  .putAllAttributes(attributes)
                  .setOrderingKey(key)
                  .build());
        }

        @Override
        public TransportUnderTest.RunningConsumer start(EventPipeline pipeline) {
          PubSubEventConsumer consumer =
              PubSubEventConsumer.builder(pipeline)
                  .subscription(subscription)
                  .emulatorHost(PubSubTestSupport.host())
                  .concurrency(4)
                  .closeTimeout(Duration.ofSeconds(20))
                  .build();
          consumer.start();
          return TransportUnderTest.RunningConsumer.of(consumer::close, consumer::kill);
        }
      };
    };
  }
}
