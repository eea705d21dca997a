package dev.eventcontracts.kafka;

import static dev.eventcontracts.kafka.KafkaTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.pipeline.EventPipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The example of docs/kafka.md, compiled and run so that it cannot go stale. */
class DocsExampleTest {

  @Test
  void quickStartFromTheDocsRuns() throws Exception {
    String bootstrap = KafkaTestSupport.bootstrap();
    String topic = KafkaTestSupport.topics("recruiting", 3);
    String line = Files.readAllLines(KafkaTestSupport.RECRUITING_VALID).get(2);
    KafkaTestSupport.send(topic, 0, "cand_7f3a9c21", KafkaTestSupport.bytes(line));
    List<String> seen = new CopyOnWriteArrayList<>();

    // --8<-- [start:quick-start]
    ContractRegistry registry = ContractRegistry.load(Path.of("../examples/registries/recruiting"));
    KafkaDeadLetterSink deadLetters =
        KafkaDeadLetterSink.builder(Map.of("bootstrap.servers", bootstrap)).build();
    EventPipeline pipeline =
        EventPipeline.builder(registry)
            .handler(
                "profile.updated",
                JsonNode.class,
                (profile, context) -> seen.add(profile.get("candidate_id").asText()))
            .deadLetterSink(deadLetters) // rejected records go to <topic>.dlq
            .build();
    KafkaEventConsumer consumer =
        KafkaEventConsumer.builder(pipeline)
            .consumerProperties(
                Map.of("bootstrap.servers", bootstrap, "auto.offset.reset", "earliest"))
            .groupId("matching-service")
            .topics(List.of(topic))
            .build();
    consumer.start(); // polls on its own thread
    // ... and on shutdown:
    // consumer.close(); deadLetters.close();
    // --8<-- [end:quick-start]

    try {
      await("the event handled", () -> seen.contains("cand_7f3a9c21"));
    } finally {
      consumer.close();
      deadLetters.close();
    }
    assertThat(seen).containsExactly("cand_7f3a9c21");
  }

  @Test
  void theDocsShowTheExampleAsItIsHere() throws Exception {
    String source =
        Files.readString(Path.of("src/test/java/dev/eventcontracts/kafka/DocsExampleTest.java"));
    String example =
        source
            .substring(
                source.indexOf('\n', source.indexOf("[start:quick-start]")) + 1,
                source.indexOf("    // --8<-- [end:quick-start]"))
            .replaceAll("(?m)^    ", "");
    assertThat(Files.readString(Path.of("../docs/kafka.md"))).contains(example);
  }
}
