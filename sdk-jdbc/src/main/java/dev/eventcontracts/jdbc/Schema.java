package dev.eventcontracts.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * The shipped DDL: one resource per dialect that creates every table under its default name, so an
 * operator can run the file as it is; a store runs the statements for its own tables, renamed.
 */
final class Schema {
  /** Default name of the dedup store's table. */
  static final String DEDUP_TABLE = "event_dedup";

  /** Default name of the entity positions table, shared by the version and transactional stores. */
  static final String POSITION_TABLE = "entity_position";

  /** Default name of the transactional store's processed-keys table. */
  static final String PROCESSED_TABLE = "event_processed";

  private static final Pattern CREATE_TABLE =
      Pattern.compile("^(CREATE TABLE IF NOT EXISTS )(\\w+)", Pattern.CASE_INSENSITIVE);

  private Schema() {}

  /** Runs the dialect's CREATE TABLE statements for the given default names, renamed. */
  static void create(DataSource dataSource, JdbcDialect dialect, Map<String, String> tables) {
    List<String> statements = statements(dialect, tables);
    Jdbc.autocommit(
        dataSource,
        dialect,
        "creating " + tables.values(),
        connection -> {
          try (Statement statement = connection.createStatement()) {
            for (String sql : statements) {
              statement.execute(sql);
            }
          }
          return null;
        });
  }

  /**
   * The statements that create the tables keyed by default name in {@code tables}, each renamed to
   * its value.
   */
  static List<String> statements(JdbcDialect dialect, Map<String, String> tables) {
    List<String> out = new ArrayList<>();
    for (String statement : parse(read(dialect))) {
      Matcher create = CREATE_TABLE.matcher(statement);
      if (create.find() && tables.containsKey(create.group(2))) {
        out.add(create.replaceFirst("$1" + Matcher.quoteReplacement(tables.get(create.group(2)))));
      }
    }
    if (out.size() != tables.size()) {
      throw new IllegalStateException(
          dialect.ddlResource() + " lacks a table of " + tables.keySet());
    }
    return out;
  }

  private static List<String> parse(String script) {
    String withoutComments =
        script
            .lines()
            .filter(line -> !line.strip().startsWith("--"))
            .collect(Collectors.joining("\n"));
    List<String> statements = new ArrayList<>();
    for (String statement : withoutComments.split(";")) {
      if (!statement.isBlank()) {
        statements.add(statement.strip());
      }
    }
    return statements;
  }

  private static String read(JdbcDialect dialect) {
    try (InputStream in = Schema.class.getResourceAsStream(dialect.ddlResource())) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + dialect.ddlResource());
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
