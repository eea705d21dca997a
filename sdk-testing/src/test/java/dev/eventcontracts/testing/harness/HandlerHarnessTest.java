package dev.eventcontracts.testing.harness;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.pipeline.EventContext;
import dev.eventcontracts.pipeline.HandlerBinding;
import dev.eventcontracts.pipeline.ReplayPolicy;
import dev.eventcontracts.testing.junit.ContractTest;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The harness on the kit's own registry ({@code account.updated} v1 and v2 ordered by version,
 * {@code greeting.sent} v1 without ordering): a correct consumer passes every check, and each
 * deliberately broken handler or wiring is caught by its check with a message that names the event,
 * what the handler did and what was expected.
 */
@ContractTest(registry = "classpath:harness-registry")
class HandlerHarnessTest {
  private final ContractRegistry registry;

  HandlerHarnessTest(ContractRegistry registry) {
    this.registry = registry;
  }

  /** The payload of account.updated, every optional field nullable. */
  record AccountUpdated(
      @JsonProperty("account_id") String accountId,
      @JsonProperty("account_version") long accountVersion,
      @JsonProperty("balance") long balance,
      @JsonProperty("credit_limit") Long creditLimit,
      @JsonProperty("nickname") String nickname,
      @JsonProperty("tier") String tier) {}

  /** Broken: a primitive for the optional credit_limit reads its absence as 0. */
  record AccountUpdatedWithPrimitive(
      @JsonProperty("account_id") String accountId,
      @JsonProperty("balance") long balance,
      @JsonProperty("credit_limit") int creditLimit) {}

  record GreetingSent(
      @JsonProperty("greeting_id") String greetingId,
      @JsonProperty("text") String text,
      @JsonProperty("priority") Integer priority) {}

  /** A correct consumer: last balance per account, greetings by id; every write idempotent. */
  static final class Ledger {
    final Map<String, Long> balances = new ConcurrentHashMap<>();
    final Map<String, String> greetings = new ConcurrentHashMap<>();

    List<HandlerBinding<?>> bindings() {
      return List.of(
          HandlerBinding.of("account.updated", AccountUpdated.class, this::onAccount)
              .replayPolicy(ReplayPolicy.REPROCESS),
          HandlerBinding.of("greeting.sent", GreetingSent.class, this::onGreeting));
    }

    void onAccount(AccountUpdated event, EventContext context) {
      balances.put(event.accountId(), event.balance());
    }

    void onGreeting(GreetingSent event, EventContext context) {
      greetings.put(event.greetingId(), event.text());
    }

    Map<String, Object> snapshot() {
      return Map.of("balances", new TreeMap<>(balances), "greetings", new TreeMap<>(greetings));
    }

    void clear() {
      balances.clear();
      greetings.clear();
    }
  }

  private HandlerHarness.Builder harness(Ledger ledger) {
    return HandlerHarness.builder(registry).state(ledger::snapshot).reset(ledger::clear);
  }

  @Test
  void aCorrectConsumerPassesEveryCheck() {
    Ledger ledger = new Ledger();
    HandlerHarness harness = harness(ledger).handlers(ledger.bindings()).build();
    assertThatCode(harness::assertAll).doesNotThrowAnyException();
  }

  @Test
  void aPrimitiveForAnOptionalFieldIsCaught() {
    Ledger ledger = new Ledger();
    HandlerHarness harness =
        harness(ledger)
            .handler(
                HandlerBinding.of(
                    "account.updated",
                    AccountUpdatedWithPrimitive.class,
                    (event, context) -> ledger.balances.put(event.accountId(), event.balance())))
            .build();
    assertThatThrownBy(harness::assertValidSamplesHandled)
        .hasMessageContaining("Handler harness, valid samples are handled: 2 problems")
        .hasMessageContaining("account.updated v1 (only required fields)")
        .hasMessageContaining("account.updated v2 (only required fields)")
        .hasMessageContaining("the optional field /payload/credit_limit is absent")
        .hasMessageContaining("AccountUpdatedWithPrimitive.creditLimit is a primitive int")
        .hasMessageContaining("Jackson binds the absence to 0")
        .hasMessageContaining("such as Integer (or OptionalInt)");
  }

  @Test
  void aHandlerThatThrowsOnAValidSampleIsCaught() {
    Ledger ledger = new Ledger();
    HandlerHarness harness =
        harness(ledger)
            .handler(
                HandlerBinding.of(
                    "account.updated",
                    AccountUpdated.class,
                    (event, context) ->
                        // breaks when the optional nickname is absent
                        ledger.balances.put(event.nickname().trim(), event.balance())))
            .build();
    assertThatThrownBy(harness::assertValidSamplesHandled)
        .hasMessageContaining("account.updated v1 (only required fields)")
        .hasMessageContaining("the handler ran once and threw java.lang.NullPointerException")
        .hasMessageContaining("outcome FAILED")
        .hasMessageContaining("expected: the payload binds to AccountUpdated and the handler runs")
        .satisfies(e -> org.assertj.core.api.Assertions.assertThat(e.getSuppressed()).isNotEmpty());
  }

  @Test
  void aBindingWhoseVersionsMissARegistryVersionIsCaught() {
    Ledger ledger = new Ledger();
    HandlerHarness harness =
        harness(ledger)
            .handler(
                HandlerBinding.of("account.updated", AccountUpdated.class, ledger::onAccount)
                    .versions("v1", "v1"))
            .handler(HandlerBinding.of("greetings.sent", GreetingSent.class, ledger::onGreeting))
            .build();
    assertThatThrownBy(harness::assertEveryVersionBound)
        .hasMessageContaining("2 problems")
        .hasMessageContaining("account.updated v2 (a valid sample): registry 'harness' accepts")
        .hasMessageContaining("the handler did not run; outcome UNKNOWN_EVENT")
        .hasMessageContaining("no handler for account.updated version v2")
        .hasMessageContaining("the bindings take v1: widen the binding's versions(...)")
        .hasMessageContaining("a binding for 'greetings.sent': registry 'harness' has no contract");
  }

  @Test
  void aSideEffectThatIsNotIdempotentUnderReprocessIsCaught() {
    Ledger ledger = new Ledger();
    HandlerBinding<AccountUpdated> adding =
        HandlerBinding.of(
                "account.updated",
                AccountUpdated.class,
                (event, context) ->
                    ledger.balances.merge(event.accountId(), event.balance(), Long::sum))
            .replayPolicy(ReplayPolicy.REPROCESS);
    HandlerHarness harness = harness(ledger).handler(adding).build();
    assertThatThrownBy(harness::assertReplaysIdempotent)
        .hasMessageContaining("replayed (replay=true) after one delivery, binding replay policy")
        .hasMessageContaining(
            "REPROCESS): the handler ran once and returned normally; outcome PROCESSED")
        .hasMessageContaining("state after one delivery:")
        .hasMessageContaining("state after the replay:")
        .hasMessageContaining("its side effect must be idempotent");
    // the same handler under PROCESS never sees the replay of an applied event
    Ledger other = new Ledger();
    HandlerHarness processing =
        harness(other)
            .handler(
                HandlerBinding.of(
                    "account.updated",
                    AccountUpdated.class,
                    (event, context) ->
                        other.balances.merge(event.accountId(), event.balance(), Long::sum)))
            .build();
    assertThatCode(processing::assertReplaysIdempotent).doesNotThrowAnyException();
    assertThatCode(processing::assertRedeliveriesIdempotent).doesNotThrowAnyException();
  }

  @Test
  void aProbeThatReturnsTheLiveObjectIsCaught() {
    Ledger ledger = new Ledger();
    HandlerHarness harness =
        HandlerHarness.builder(registry)
            .handlers(ledger.bindings())
            .state(() -> ledger.balances)
            .build();
    assertThatThrownBy(harness::assertRedeliveriesIdempotent)
        .hasMessageContaining("the state probe returned equal states before and after")
        .hasMessageContaining("not the live object");
  }

  @Test
  void checksThatCompareStateNeedAProbe() {
    Ledger ledger = new Ledger();
    HandlerHarness harness = HandlerHarness.builder(registry).handlers(ledger.bindings()).build();
    assertThatThrownBy(harness::assertReplaysIdempotent)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(".state(() -> snapshotOfYourState())");
    assertThatThrownBy(() -> HandlerHarness.builder(registry).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("handler bindings");
  }

  @Test
  void invalidVariantsNeverReachTheHandler() {
    Ledger ledger = new Ledger();
    HandlerHarness harness = harness(ledger).handlers(ledger.bindings()).build();
    assertThatCode(harness::assertInvalidVariantsRejected).doesNotThrowAnyException();
  }

  @Test
  void stateKeptOutsideTheTransactionIsCaught() throws Exception {
    H2Ledger db = new H2Ledger();
    Map<String, Long> cache = new ConcurrentHashMap<>();
    // writes the table through the transaction, and also a cache the rollback cannot undo
    HandlerBinding<AccountUpdated> leaky =
        HandlerBinding.of(
            "account.updated",
            AccountUpdated.class,
            (event, context) -> {
              H2Ledger.upsert(context.connection(), event.accountId(), event.balance());
              cache.put(event.accountId(), event.balance());
            });
    HandlerHarness harness =
        HandlerHarness.builder(registry)
            .handler(leaky)
            .transactionalStore(db::store)
            .reset(
                () -> {
                  db.reset();
                  cache.clear();
                })
            .state(() -> Map.of("table", db.balances(), "cache", new TreeMap<>(cache)))
            .build();
    assertThatThrownBy(harness::assertStateInsideTransaction)
        .hasMessageContaining("account.updated v1 (handled, then its transaction rolled back)")
        .hasMessageContaining("the transaction rolled back, and yet the state changed")
        .hasMessageContaining("state before:")
        .hasMessageContaining("writes only through EventContext.connection()");
  }

  @Test
  void aHandlerThatWritesThroughTheTransactionPassesInTransactionalMode() throws Exception {
    H2Ledger db = new H2Ledger();
    HandlerHarness harness =
        HandlerHarness.builder(registry)
            .handler(
                HandlerBinding.of(
                        "account.updated",
                        AccountUpdated.class,
                        (event, context) ->
                            H2Ledger.upsert(
                                context.connection(), event.accountId(), event.balance()))
                    .replayPolicy(ReplayPolicy.REPROCESS))
            .transactionalStore(db::store)
            .reset(db::reset)
            .state(db::balances)
            .build();
    assertThatCode(harness::assertAll).doesNotThrowAnyException();
  }
}
