package dev.eventcontracts.pipeline;

import static dev.eventcontracts.pipeline.Fixtures.NOW;
import static dev.eventcontracts.pipeline.Fixtures.invite;
import static dev.eventcontracts.pipeline.Fixtures.msg;
import static dev.eventcontracts.pipeline.Fixtures.profile;
import static dev.eventcontracts.pipeline.Fixtures.with;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventcontracts.dedup.ClaimState;
import dev.eventcontracts.dedup.DedupStore;
import dev.eventcontracts.dedup.StoreKeys;
import dev.eventcontracts.dedup.UnstorableKeyException;
import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.dlq.InMemoryDeadLetterSink;
import dev.eventcontracts.ordering.EntityVersionStore;
import dev.eventcontracts.pipeline.Fixtures.Recorder;
import dev.eventcontracts.testing.stores.MutableClock;
import dev.eventcontracts.validation.Violation;
import dev.eventcontracts.validation.ViolationCode;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A key or entity that no store can hold is a property of the event: it ends with a final outcome
 * (a dead letter with code {@code unstorable}), never with a retry that would stall the partition.
 */
class UnstorableKeysTest {
  private final MutableClock clock = MutableClock.startingAt(NOW);
  private final InMemoryDeadLetterSink sink = DeadLetterSink.inMemory();
  private final Recorder handled = new Recorder();

  private EventPipeline.Builder builder() {
    return Fixtures.pipeline(sink, clock)
        .handler(HandlerBinding.ofJson("profile.updated", handled))
        .handler(HandlerBinding.ofJson("invite.created", handled));
  }

  private static void assertUnstorable(ProcessingResult result, String secret) {
    assertThat(result.outcome()).isEqualTo(Outcome.INVALID);
    assertThat(result.disposition()).isEqualTo(Disposition.ACKNOWLEDGE);
    assertThat(result.deadLetter()).isNotNull();
    assertThat(result.idempotencyKey()).isNull();
    assertThat(result.violations())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.code()).isEqualTo(ViolationCode.UNSTORABLE);
              assertThat(v.message()).doesNotContain(secret);
            });
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "nul-\u0000-tenant",
        "lone-high-\ud800-tenant",
        "lone-low-\udc00-tenant",
        "reversed-\udc00\ud800"
      })
  void aTenantNoStoreCanHoldIsDeadLettered(String tenant) {
    ProcessingResult result =
        builder().build().process(msg(with(profile("cand_1", 3), "tenant_id", tenant)));

    assertUnstorable(result, tenant);
    assertThat(handled.count()).isZero();
    assertThat(sink.deadLetters()).hasSize(1);
  }

  @Test
  void aKeyLongerThanAnyStoreHoldsIsDeadLetteredWithoutQuotingIt() {
    String huge = "cand_" + "x".repeat(100_000);

    ProcessingResult result = builder().build().process(msg(profile(huge, 3)));

    assertUnstorable(result, "xxxxxxxxxx");
    assertThat(result.violations().get(0).message()).contains("longer than the 512");
  }

  @Test
  void theLongestStorableKeyIsProcessed() {
    // "-/invite.created:" + id is exactly the limit (invites have no ordering entity)
    String id = "i".repeat(StoreKeys.MAX_LENGTH - "-/invite.created:".length());

    ProcessingResult result = builder().build().process(msg(invite(id)));

    assertThat(result.outcome()).isEqualTo(Outcome.PROCESSED);
    assertThat(result.idempotencyKey()).hasSize(StoreKeys.MAX_LENGTH);
  }

  @Test
  void anEntityTooLongForAStoreIsDeadLetteredEvenWhenItsKeyFits() {
    // key "-/profile.updated:<id>:3" is 512 chars, entity "-/15:profile.updated/<id>" is 513
    String id = "c".repeat(StoreKeys.MAX_LENGTH - "-/profile.updated:".length() - ":3".length());

    ProcessingResult result = builder().build().process(msg(profile(id, 3)));

    assertUnstorable(result, id);
    assertThat(result.violations().get(0).message()).startsWith("ordering entity is 513 chars");
  }

  @Test
  void inABatchOnlyTheUnstorableEventIsDeadLetteredAndTheOthersRun() {
    List<ProcessingResult> results =
        builder()
            .build()
            .processBatch(
                List.of(
                    msg(invite("inv_1")),
                    msg(with(invite("inv_2"), "tenant_id", "bad\u0000")),
                    msg(invite("inv_3"))));

    assertThat(results)
        .extracting(ProcessingResult::outcome)
        .containsExactly(Outcome.PROCESSED, Outcome.INVALID, Outcome.PROCESSED);
    assertThat(results).allMatch(ProcessingResult::acknowledged);
    assertThat(handled.count()).isEqualTo(2);
  }

  /** A store of a user's own with a stricter limit than the SDK's: 40 chars. */
  static final class StrictDedupStore implements DedupStore {
    final DedupStore delegate = DedupStore.inMemory(1_000, java.time.Clock.systemUTC());

    private static String check(String key) {
      if (key.length() > 40) {
        throw new UnstorableKeyException("key is " + key.length() + " chars, longer than 40");
      }
      return key;
    }

    @Override
    public ClaimState claim(String key, String owner, Duration lease) {
      return delegate.claim(check(key), owner, lease);
    }

    @Override
    public Map<String, ClaimState> claimAll(List<String> keys, String owner, Duration lease) {
      keys.forEach(StrictDedupStore::check);
      return delegate.claimAll(keys, owner, lease);
    }

    @Override
    public void complete(String key, String owner, Duration retention) {
      delegate.complete(key, owner, retention);
    }

    @Override
    public void release(String key, String owner) {
      delegate.release(key, owner);
    }
  }

  @Test
  void aStoreThatRefusesAKeyAsUnstorableGetsAFinalOutcomeNotARetry() {
    EventPipeline pipeline = builder().dedupStore(new StrictDedupStore()).build();
    String longId = "inv_" + "y".repeat(40);

    ProcessingResult single = pipeline.process(msg(invite(longId)));
    List<ProcessingResult> batch =
        pipeline.processBatch(
            List.of(msg(invite("inv_a")), msg(invite(longId + "2")), msg(invite("inv_b"))));

    assertUnstorable(single, longId);
    assertThat(batch)
        .extracting(ProcessingResult::outcome)
        .containsExactly(Outcome.PROCESSED, Outcome.INVALID, Outcome.PROCESSED);
    assertThat(batch).allMatch(ProcessingResult::acknowledged);
  }

  @Test
  void anEntityStoreThatRefusesAnEntityAsUnstorableGetsAFinalOutcome() {
    EntityVersionStore strict =
        new EntityVersionStore() {
          final EntityVersionStore delegate = EntityVersionStore.inMemory();

          private String check(String entity) {
            if (entity.contains("forbidden")) {
              throw new UnstorableKeyException("entity holds a forbidden word");
            }
            return entity;
          }

          @Override
          public OptionalLong current(String entity) {
            return delegate.current(check(entity));
          }

          @Override
          public Map<String, OptionalLong> currentAll(Collection<String> entities) {
            entities.forEach(this::check);
            return delegate.currentAll(entities);
          }

          @Override
          public boolean advance(String entity, long position) {
            return delegate.advance(check(entity), position);
          }
        };
    EventPipeline pipeline = builder().entityVersionStore(strict).build();

    List<ProcessingResult> batch =
        pipeline.processBatch(
            List.of(msg(profile("cand_1", 1)), msg(profile("forbidden", 1)), msg(profile("c", 1))));

    assertThat(batch)
        .extracting(ProcessingResult::outcome)
        .containsExactly(Outcome.PROCESSED, Outcome.INVALID, Outcome.PROCESSED);
    assertThat(batch.get(1).violations())
        .extracting(Violation::code)
        .containsExactly(ViolationCode.UNSTORABLE);
    // the refused event's claim was released, not left to block a redelivery until the lease ends
    assertThat(pipeline.process(msg(profile("cand_1", 2))).outcome()).isEqualTo(Outcome.PROCESSED);
  }
}
