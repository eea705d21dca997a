package dev.eventcontracts.resilience;

import dev.eventcontracts.dedup.TransactionalStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A transactional store behind a circuit breaker. The transaction runs the caller's work (the
 * handler), so the breaker sees only what the store did: an exception the work threw on its own is
 * not a store failure, and the time the work ran, less the time of the store's own calls inside it,
 * does not count towards slow calls.
 */
final class ResilientTransactionalStore implements TransactionalStore {
  private final TransactionalStore delegate;
  private final Guard guard;

  ResilientTransactionalStore(TransactionalStore delegate, Guard guard) {
    this.delegate = delegate;
    this.guard = guard;
  }

  @Override
  public <R> R inTransaction(Work<R> work) throws Exception {
    boolean recorded = guard.acquire(false);
    Accounting accounting = new Accounting();
    long start = guard.now();
    try {
      R result = delegate.inTransaction(tx -> accounting.run(work, tx));
      guard.succeededAfter(recorded, accounting.storeMillis(start));
      return result;
    } catch (Exception | Error e) {
      if (accounting.fromWork(e)) {
        // the store began and rolled back the transaction as asked: it works
        guard.succeededAfter(recorded, accounting.storeMillis(start));
      } else {
        guard.failedAfter(recorded, accounting.operation(e), accounting.storeMillis(start), e);
      }
      throw e;
    }
  }

  @Override
  public String toString() {
    return "Resilient[" + delegate + "]";
  }

  /** What one transaction's work did: its time, its store calls' time, the exceptions of each. */
  private final class Accounting {
    private final Set<Throwable> storeFailures = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Map<Throwable, String> operations = new IdentityHashMap<>();
    private @Nullable Throwable workFailure;
    private long workMillis;
    private long storeCallMillis;

    <R> R run(Work<R> work, Transaction tx) throws Exception {
      long begin = guard.now();
      try {
        return work.run(new TimedTransaction(tx, this));
      } catch (Exception | Error e) {
        if (!storeFailures.contains(e)) {
          workFailure = e;
        }
        throw e;
      } finally {
        workMillis += guard.now() - begin;
      }
    }

    boolean fromWork(Throwable t) {
      return t == workFailure;
    }

    String operation(Throwable t) {
      return operations.getOrDefault(t, "transaction");
    }

    long storeMillis(long start) {
      return Math.max(0, guard.now() - start - workMillis + storeCallMillis);
    }

    void storeCall(long begin) {
      storeCallMillis += guard.now() - begin;
    }

    void storeFailure(String operation, RuntimeException e) {
      storeFailures.add(e);
      operations.put(e, operation);
    }
  }

  /** The store's transaction, timing its calls and remembering their exceptions. */
  private final class TimedTransaction implements Transaction {
    private final Transaction tx;
    private final Accounting accounting;

    TimedTransaction(Transaction tx, Accounting accounting) {
      this.tx = tx;
      this.accounting = accounting;
    }

    @Override
    public boolean recordKey(String key) {
      long begin = guard.now();
      try {
        return tx.recordKey(key);
      } catch (RuntimeException e) {
        accounting.storeFailure("recordKey", e);
        throw e;
      } finally {
        accounting.storeCall(begin);
      }
    }

    @Override
    public OptionalLong lockPosition(String entity) {
      long begin = guard.now();
      try {
        return tx.lockPosition(entity);
      } catch (RuntimeException e) {
        accounting.storeFailure("lockPosition", e);
        throw e;
      } finally {
        accounting.storeCall(begin);
      }
    }

    @Override
    public void setPosition(String entity, long position) {
      long begin = guard.now();
      try {
        tx.setPosition(entity, position);
      } catch (RuntimeException e) {
        accounting.storeFailure("setPosition", e);
        throw e;
      } finally {
        accounting.storeCall(begin);
      }
    }

    @Override
    public Set<String> recordKeys(Collection<String> keys) {
      long begin = guard.now();
      try {
        return tx.recordKeys(keys);
      } catch (RuntimeException e) {
        accounting.storeFailure("recordKeys", e);
        throw e;
      } finally {
        accounting.storeCall(begin);
      }
    }

    @Override
    public Map<String, OptionalLong> lockPositions(Collection<String> entities) {
      long begin = guard.now();
      try {
        return tx.lockPositions(entities);
      } catch (RuntimeException e) {
        accounting.storeFailure("lockPositions", e);
        throw e;
      } finally {
        accounting.storeCall(begin);
      }
    }

    @Override
    public void setPositions(Map<String, Long> positions) {
      long begin = guard.now();
      try {
        tx.setPositions(positions);
      } catch (RuntimeException e) {
        accounting.storeFailure("setPositions", e);
        throw e;
      } finally {
        accounting.storeCall(begin);
      }
    }

    @Override
    public Connection connection() {
      return tx.connection();
    }

    @Override
    public PreparedStatement prepare(String sql) throws SQLException {
      return tx.prepare(sql);
    }
  }
}
