/**
 * Dedup, entity-version and transactional stores on PostgreSQL, MariaDB and H2 through plain JDBC:
 * {@link dev.eventcontracts.jdbc.JdbcDedupStore}, {@link
 * dev.eventcontracts.jdbc.JdbcEntityVersionStore} and {@link
 * dev.eventcontracts.jdbc.JdbcTransactionalStore}, each made by a builder over a pooled {@code
 * DataSource}.
 */
@NullMarked
package dev.eventcontracts.jdbc;

import org.jspecify.annotations.NullMarked;
