package dev.eventcontracts.jdbc;

import dev.eventcontracts.ordering.EntityVersionStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * An {@link EntityVersionStore} in a database table, shared by every consumer instance that uses
 * the same table: {@link #advance} is one atomic compare-and-set in the database.
 *
 * <p>The table may be shared with {@link JdbcTransactionalStore}, whose placeholder rows (position
 * NULL) read as no position. Give it a pooled {@link DataSource}: every call borrows a connection.
 */
public final class JdbcEntityVersionStore implements EntityVersionStore {
  /** How long one statement may run by default before the driver cancels it. */
  public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(5);

  private final DataSource dataSource;
  private final JdbcDialect dialect;
  private final String table;
  private final String advanceSql;
  private final String insertIfAbsentSql;
  private final String advanceAllSql;

  /**
   * The batched position read on PostgreSQL, written as a correlated primary-key lookup per entity.
   * The obvious {@code WHERE entity = ANY (?)} is planned once per pooled connection and then
   * reused (the driver's server-prepared statements, PostgreSQL's generic plan): planned while the
   * table was small it stays a sequential scan comparing every row with every entity, which took
   * 436 ms per batch of 170 on a table of 30,000 rows (docs/performance.md). The sub-select is an
   * index probe in every plan.
   */
  private final String selectPostgresSql;

  private final int timeoutSeconds;

  private JdbcEntityVersionStore(Builder builder, JdbcDialect dialect) {
    this.dataSource = builder.dataSource;
    this.dialect = dialect;
    this.table = builder.table;
    this.timeoutSeconds = Jdbc.timeoutSeconds(builder.queryTimeout);
    this.advanceSql =
        switch (dialect) {
          case POSTGRESQL ->
              "INSERT INTO "
                  + table
                  + " AS v (entity, position) VALUES (?, ?)"
                  + " ON CONFLICT (entity) DO UPDATE SET position = EXCLUDED.position"
                  + " WHERE v.position IS NULL OR v.position < EXCLUDED.position";
          case H2 ->
              "MERGE INTO "
                  + table
                  + " v USING (VALUES (CAST(? AS VARCHAR(512)), CAST(? AS BIGINT))) s(entity, position)"
                  + " ON v.entity = s.entity"
                  + " WHEN MATCHED AND (v.position IS NULL OR v.position < s.position)"
                  + " THEN UPDATE SET position = s.position"
                  + " WHEN NOT MATCHED THEN INSERT (entity, position) VALUES (s.entity, s.position)";
            // MariaDB reports found rather than changed rows by default, so an upsert's count
            // cannot tell "inserted" from "left alone"; a conditional UPDATE's count can
          case MARIADB ->
              "UPDATE "
                  + table
                  + " SET position = ? WHERE entity = ? AND (position IS NULL OR position < ?)";
        };
    this.insertIfAbsentSql = "INSERT IGNORE INTO " + table + " (entity, position) VALUES (?, ?)";
    this.selectPostgresSql =
        "SELECT u.e, (SELECT v.position FROM "
            + table
            + " v WHERE v.entity = u.e) FROM unnest(?::text[]) AS u(e)";
    // rows are written in entity order, so overlapping batches lock in one order
    this.advanceAllSql =
        "INSERT INTO "
            + table
            + " AS v (entity, position)"
            + " SELECT e, p FROM unnest(?::text[], ?::bigint[]) AS u(e, p) ORDER BY e"
            + " ON CONFLICT (entity) DO UPDATE SET position = EXCLUDED.position"
            + " WHERE v.position IS NULL OR v.position < EXCLUDED.position"
            + " RETURNING v.entity";
  }

  /** Starts a builder for a store on {@code dataSource}. */
  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  /** The entity's stored position, or empty when it has none. */
  @Override
  public OptionalLong current(String entity) {
    return currentAll(List.of(entity)).get(entity);
  }

  /** The stored positions of many entities, one SELECT per 1,000 distinct entities. */
  @Override
  public Map<String, OptionalLong> currentAll(Collection<String> entities) {
    Set<String> distinct = Names.keys("entity", entities);
    Map<String, OptionalLong> found = new HashMap<>();
    for (List<String> chunk : Jdbc.chunks(new ArrayList<>(distinct))) {
      found.putAll(
          Jdbc.autocommit(
              dataSource,
              dialect,
              "reading positions from " + table,
              connection -> select(connection, chunk)));
    }
    Map<String, OptionalLong> out = new LinkedHashMap<>();
    for (String entity : distinct) {
      out.put(entity, found.getOrDefault(entity, OptionalLong.empty()));
    }
    return out;
  }

  /** Stores {@code position} when it is newer than the stored one, atomically in the database. */
  @Override
  public boolean advance(String entity, long position) {
    Names.key("entity", entity);
    return Jdbc.autocommit(
        dataSource,
        dialect,
        "advancing a position in " + table,
        connection ->
            dialect == JdbcDialect.MARIADB
                ? advanceMariaDb(connection, entity, position)
                : update(connection, advanceSql, entity, position) == 1);
  }

  /**
   * Advances many entities, each a compare-and-set as in {@link #advance}: on PostgreSQL one
   * statement per 1,000 entities, elsewhere one statement per entity on one connection. Entities
   * are written in sorted order, so overlapping batches of two consumers wait instead of
   * deadlocking; a lost race is retried.
   */
  @Override
  public Set<String> advanceAll(Map<String, Long> positions) {
    Map<String, Long> sorted = new TreeMap<>();
    for (Map.Entry<String, Long> e : positions.entrySet()) {
      sorted.put(Names.key("entity", e.getKey()), Objects.requireNonNull(e.getValue(), "position"));
    }
    Set<String> advanced = new LinkedHashSet<>();
    if (sorted.isEmpty()) {
      return advanced;
    }
    List<String> entities = new ArrayList<>(sorted.keySet());
    for (List<String> chunk : Jdbc.chunks(entities)) {
      advanced.addAll(
          Jdbc.autocommit(
              dataSource,
              dialect,
              "advancing positions in " + table,
              connection ->
                  dialect == JdbcDialect.POSTGRESQL
                      ? advanceAllPostgres(connection, chunk, sorted)
                      : advanceEach(connection, chunk, sorted)));
    }
    return advanced;
  }

  /** The batched position read on PostgreSQL, for the plan test. */
  String postgresSelectSql() {
    return selectPostgresSql;
  }

  /** Creates the table when it does not exist, with the shipped DDL of the dialect. */
  public void createSchema() {
    Schema.create(dataSource, dialect, Map.of(Schema.POSITION_TABLE, table));
  }

  /** The dialect in use, given or detected. */
  public JdbcDialect dialect() {
    return dialect;
  }

  /** The table the store uses. */
  public String table() {
    return table;
  }

  /** Does nothing: the data source belongs to the caller, who closes it. */
  @Override
  public void close() {}

  @Override
  public String toString() {
    return "JdbcEntityVersionStore[" + dialect + ", " + table + "]";
  }

  private Set<String> advanceAllPostgres(
      Connection connection, List<String> entities, Map<String, Long> positions)
      throws SQLException {
    Long[] values = new Long[entities.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = positions.get(entities.get(i));
    }
    Set<String> advanced = new LinkedHashSet<>();
    try (PreparedStatement insert = Jdbc.prepare(connection, advanceAllSql, timeoutSeconds)) {
      insert.setArray(1, Jdbc.textArray(connection, dialect, entities));
      insert.setArray(2, connection.createArrayOf("bigint", values));
      try (ResultSet rows = insert.executeQuery()) {
        while (rows.next()) {
          advanced.add(rows.getString(1));
        }
      }
    }
    return advanced;
  }

  private Set<String> advanceEach(
      Connection connection, List<String> entities, Map<String, Long> positions)
      throws SQLException {
    Set<String> advanced = new LinkedHashSet<>();
    for (String entity : entities) {
      long position = positions.get(entity);
      boolean moved =
          dialect == JdbcDialect.MARIADB
              ? advanceMariaDb(connection, entity, position)
              : update(connection, advanceSql, entity, position) == 1;
      if (moved) {
        advanced.add(entity);
      }
    }
    return advanced;
  }

  private boolean advanceMariaDb(Connection connection, String entity, long position)
      throws SQLException {
    // the common case, an entity already stored, costs one statement
    if (updateIfNewer(connection, entity, position)) {
      return true;
    }
    // IGNORE affects only the duplicate key here: Names already bounded the entity's length
    if (update(connection, insertIfAbsentSql, entity, position) == 1) {
      return true;
    }
    // the row exists, perhaps inserted by a racing call a moment ago: compare again
    return updateIfNewer(connection, entity, position);
  }

  private boolean updateIfNewer(Connection connection, String entity, long position)
      throws SQLException {
    try (PreparedStatement update = Jdbc.prepare(connection, advanceSql, timeoutSeconds)) {
      update.setLong(1, position);
      update.setString(2, entity);
      update.setLong(3, position);
      return update.executeUpdate() == 1;
    }
  }

  private int update(Connection connection, String sql, String entity, long position)
      throws SQLException {
    try (PreparedStatement statement = Jdbc.prepare(connection, sql, timeoutSeconds)) {
      statement.setString(1, entity);
      statement.setLong(2, position);
      return statement.executeUpdate();
    }
  }

  private Map<String, OptionalLong> select(Connection connection, List<String> entities)
      throws SQLException {
    if (dialect == JdbcDialect.POSTGRESQL) {
      return selectPostgres(connection, entities);
    }
    boolean arrays = dialect != JdbcDialect.MARIADB;
    String sql =
        "SELECT entity, position FROM "
            + table
            + (arrays
                ? " WHERE entity = ANY (?)"
                : " WHERE entity IN (" + Jdbc.placeholders(entities.size(), "?") + ")");
    Map<String, OptionalLong> found = new HashMap<>();
    try (PreparedStatement select = Jdbc.prepare(connection, sql, timeoutSeconds)) {
      if (arrays) {
        select.setArray(1, Jdbc.textArray(connection, dialect, entities));
      } else {
        for (int i = 0; i < entities.size(); i++) {
          select.setString(i + 1, entities.get(i));
        }
      }
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          String entity = rows.getString(1);
          // read the position last: wasNull() speaks of the column read most recently
          long position = rows.getLong(2);
          found.put(entity, rows.wasNull() ? OptionalLong.empty() : OptionalLong.of(position));
        }
      }
    }
    return found;
  }

  /**
   * PostgreSQL: one primary-key probe per entity (a correlated sub-select), so the plan is an index
   * scan whatever the table's statistics say; an entity without a row, or with a placeholder row,
   * has no position.
   */
  private Map<String, OptionalLong> selectPostgres(Connection connection, List<String> entities)
      throws SQLException {
    Map<String, OptionalLong> found = new HashMap<>();
    try (PreparedStatement select = Jdbc.prepare(connection, selectPostgresSql, timeoutSeconds)) {
      select.setArray(1, Jdbc.textArray(connection, dialect, entities));
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          String entity = rows.getString(1);
          long position = rows.getLong(2);
          if (!rows.wasNull()) {
            found.put(entity, OptionalLong.of(position));
          }
        }
      }
    }
    return found;
  }

  /** Configures a {@link JdbcEntityVersionStore}. */
  public static final class Builder {
    private final DataSource dataSource;
    private @Nullable JdbcDialect dialect;
    private String table = Schema.POSITION_TABLE;
    private Duration queryTimeout = DEFAULT_QUERY_TIMEOUT;

    private Builder(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** Sets the dialect; when not set, {@link #build()} detects it from a connection. */
    public Builder dialect(JdbcDialect dialect) {
      this.dialect = Objects.requireNonNull(dialect, "dialect");
      return this;
    }

    /**
     * Sets the table, {@code entity_position} by default; a plain SQL identifier, optionally {@code
     * schema.table}.
     *
     * @throws IllegalArgumentException when the name is not such an identifier
     */
    public Builder table(String table) {
      this.table = Names.table(table);
      return this;
    }

    /**
     * Bounds every statement of the store: the driver cancels one that runs longer ({@code
     * Statement.setQueryTimeout}, whole seconds, rounded up), and the call fails with a {@link
     * JdbcStoreException} instead of stalling the consumer on a hung or locked database. {@link
     * #DEFAULT_QUERY_TIMEOUT} by default; {@link Duration#ZERO} for no bound.
     *
     * @throws IllegalArgumentException when {@code timeout} is negative
     */
    public Builder queryTimeout(Duration timeout) {
      Jdbc.timeoutSeconds(Objects.requireNonNull(timeout, "timeout"));
      this.queryTimeout = timeout;
      return this;
    }

    /** Builds the store, detecting the dialect from a connection when none was set. */
    public JdbcEntityVersionStore build() {
      return new JdbcEntityVersionStore(
          this, dialect != null ? dialect : JdbcDialect.detect(dataSource));
    }
  }
}
