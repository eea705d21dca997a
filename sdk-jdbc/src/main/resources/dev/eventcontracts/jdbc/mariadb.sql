-- Event Contracts SDK: tables of the JDBC stores on MariaDB (InnoDB).
-- Run as is, or let JdbcDedupStore / JdbcEntityVersionStore / JdbcTransactionalStore.createSchema()
-- run the statements for their tables (renamed to the configured table names).
-- Times are epoch milliseconds from the store's Clock, so tests can use a fake clock.
-- utf8mb4_nopad_bin compares keys byte for byte: the default collations would treat 'Order-1',
-- 'order-1' and 'order-1 ' as one key and drop events. On MySQL 8 use utf8mb4_0900_bin instead.

-- JdbcDedupStore: one row per idempotency key; a row whose expires_at has passed is free to claim.
-- claim_token is random per claim call: a batch claim reads it back to learn which keys it won.
CREATE TABLE IF NOT EXISTS event_dedup (
  dedup_key   VARCHAR(512) NOT NULL PRIMARY KEY,
  owner       VARCHAR(255) NOT NULL,
  state       VARCHAR(11)  NOT NULL,
  expires_at  BIGINT       NOT NULL,
  claim_token BIGINT       NOT NULL,
  fingerprint BIGINT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- JdbcEntityVersionStore and JdbcTransactionalStore: last applied position per entity.
-- position is NULL in the placeholder row that lockPosition inserts to lock a new entity.
CREATE TABLE IF NOT EXISTS entity_position (
  entity   VARCHAR(512) NOT NULL PRIMARY KEY,
  position BIGINT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- JdbcTransactionalStore: keys recorded by committed transactions, kept until
-- deleteKeysOlderThan removes them.
CREATE TABLE IF NOT EXISTS event_processed (
  dedup_key    VARCHAR(512) NOT NULL PRIMARY KEY,
  processed_at BIGINT       NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
