-- Event Contracts SDK: tables of the JDBC stores on PostgreSQL.
-- Run as is, or let JdbcDedupStore / JdbcEntityVersionStore / JdbcTransactionalStore.createSchema()
-- run the statements for their tables (renamed to the configured table names).
-- Times are epoch milliseconds from the store's Clock, so tests can use a fake clock.

-- JdbcDedupStore: one row per idempotency key; a row whose expires_at has passed is free to claim.
CREATE TABLE IF NOT EXISTS event_dedup (
  dedup_key  VARCHAR(512) NOT NULL PRIMARY KEY,
  owner      VARCHAR(255) NOT NULL,
  state      VARCHAR(11)  NOT NULL CHECK (state IN ('IN_PROGRESS', 'COMPLETED')),
  expires_at BIGINT       NOT NULL,
  fingerprint BIGINT
);

-- JdbcEntityVersionStore and JdbcTransactionalStore: last applied position per entity.
-- position is NULL in the placeholder row that lockPosition inserts to lock a new entity.
CREATE TABLE IF NOT EXISTS entity_position (
  entity   VARCHAR(512) NOT NULL PRIMARY KEY,
  position BIGINT
);

-- JdbcTransactionalStore: keys recorded by committed transactions, kept until
-- deleteKeysOlderThan removes them.
CREATE TABLE IF NOT EXISTS event_processed (
  dedup_key    VARCHAR(512) NOT NULL PRIMARY KEY,
  processed_at BIGINT       NOT NULL
);
