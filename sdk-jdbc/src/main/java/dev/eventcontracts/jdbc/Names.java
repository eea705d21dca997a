package dev.eventcontracts.jdbc;

import dev.eventcontracts.dedup.StoreKeys;
import dev.eventcontracts.dedup.UnstorableKeyException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks of the names that go into SQL: table names as text, keys and owners as parameters. */
final class Names {
  /** The longest owner, matching the owner column's VARCHAR(255). */
  static final int MAX_OWNER_LENGTH = 255;

  // Table names are spliced into SQL text, so only plain identifiers pass: no quotes, no spaces.
  private static final String IDENTIFIER = "[A-Za-z_][A-Za-z0-9_]{0,62}";
  private static final Pattern TABLE = Pattern.compile(IDENTIFIER + "(\\." + IDENTIFIER + ")?");

  /**
   * The reserved words of SQL:2016, plus those PostgreSQL, MariaDB/MySQL or H2 reserve on their
   * own. The names are not quoted, so a reserved word fails as a table name in some dialect (or,
   * worse, parses as something else): refused in all of them, so a configuration that works on one
   * database works on the others.
   */
  private static final Set<String> RESERVED =
      Set.of(
          ("ABS ABSENT ACOS ALL ALLOCATE ALTER ANALYSE ANALYZE AND ANY ARE ARRAY ARRAY_AGG"
                  + " ARRAY_MAX_CARDINALITY AS ASC ASENSITIVE ASIN ASYMMETRIC AT ATAN ATOMIC"
                  + " AUTHORIZATION AVG BEGIN BEGIN_FRAME BEGIN_PARTITION BETWEEN BIGINT BINARY BLOB"
                  + " BOOLEAN BOTH BY CALL CALLED CARDINALITY CASCADED CASE CAST CEIL CEILING CHAR"
                  + " CHARACTER CHARACTER_LENGTH CHAR_LENGTH CHECK CLASSIFIER CLOB CLOSE COALESCE COLLATE"
                  + " COLLECT COLUMN COMMIT CONDITION CONNECT CONSTRAINT CONTAINS CONVERT COPY CORR"
                  + " CORRESPONDING COS COSH COUNT COVAR_POP COVAR_SAMP CREATE CROSS CUBE CUME_DIST"
                  + " CURRENT CURRENT_CATALOG CURRENT_DATE CURRENT_DEFAULT_TRANSFORM_GROUP CURRENT_PATH"
                  + " CURRENT_ROLE CURRENT_ROW CURRENT_SCHEMA CURRENT_TIME CURRENT_TIMESTAMP"
                  + " CURRENT_TRANSFORM_GROUP_FOR_TYPE CURRENT_USER CURSOR CYCLE DATABASE DATE DAY"
                  + " DEALLOCATE DEC DECFLOAT DECIMAL DECLARE DEFAULT DEFINE DELETE DENSE_RANK DEREF DESC"
                  + " DESCRIBE DETERMINISTIC DISCONNECT DISTINCT DIV DO DOUBLE DROP DYNAMIC EACH ELEMENT"
                  + " ELSE EMPTY END END_FRAME END_PARTITION EQUALS ESCAPE EVERY EXCEPT EXEC EXECUTE"
                  + " EXISTS EXP EXPLAIN EXTERNAL EXTRACT FALSE FETCH FILTER FIRST_VALUE FLOAT FLOOR FOR"
                  + " FORCE FOREIGN FRAME_ROW FREE FREEZE FROM FULL FUNCTION FUSION GET GLOBAL GRANT"
                  + " GROUP GROUPING GROUPS HAVING HOLD HOUR IDENTITY IGNORE ILIKE IN INDEX INDICATOR"
                  + " INITIAL INNER INOUT INSENSITIVE INSERT INT INTEGER INTERSECT INTERSECTION INTERVAL"
                  + " INTO IS ISNULL JOIN JSON_ARRAY JSON_ARRAYAGG JSON_EXISTS JSON_OBJECT JSON_OBJECTAGG"
                  + " JSON_QUERY JSON_TABLE JSON_TABLE_PRIMITIVE JSON_VALUE KEY KEYS LAG LANGUAGE LARGE"
                  + " LAST_VALUE LATERAL LEAD LEADING LEFT LIKE LIKE_REGEX LIMIT LISTAGG LN LOCAL"
                  + " LOCALTIME LOCALTIMESTAMP LOCK LOG LOG10 LOWER MATCH MATCHES MATCH_NUMBER"
                  + " MATCH_RECOGNIZE MAX MEMBER MERGE METHOD MIN MINUS MINUTE MOD MODIFIES MODULE MONTH"
                  + " MULTISET NATIONAL NATURAL NCHAR NCLOB NEW NO NONE NORMALIZE NOT NOTNULL NTH_VALUE"
                  + " NTILE NULL NULLIF NUMERIC OCCURRENCES_REGEX OCTET_LENGTH OF OFFSET OLD OMIT ON ONE"
                  + " ONLY OPEN OR ORDER OUT OUTER OVER OVERLAPS OVERLAY PARAMETER PARTITION PATTERN PER"
                  + " PERCENT PERCENTILE_CONT PERCENTILE_DISC PERCENT_RANK PERIOD PLACING PORTION"
                  + " POSITION POSITION_REGEX POWER PRECEDES PRECISION PREPARE PRIMARY PROCEDURE PTF"
                  + " QUALIFY RANGE RANK READ READS REAL RECURSIVE REF REFERENCES REFERENCING REGEXP"
                  + " REGR_AVGX REGR_AVGY REGR_COUNT REGR_INTERCEPT REGR_R2 REGR_SLOPE REGR_SXX REGR_SXY"
                  + " REGR_SYY RELEASE RENAME REPLACE RESULT RETURN RETURNING RETURNS REVOKE RIGHT RLIKE"
                  + " ROLLBACK ROLLUP ROW ROWNUM ROWS ROW_NUMBER RUNNING SAVEPOINT SCHEMA SCOPE SCROLL"
                  + " SEARCH SECOND SEEK SELECT SENSITIVE SESSION_USER SET SHOW SIMILAR SIN SINH SKIP"
                  + " SMALLINT SOME SPECIFIC SPECIFICTYPE SQL SQLEXCEPTION SQLSTATE SQLWARNING SQRT START"
                  + " STATIC STDDEV_POP STDDEV_SAMP SUBMULTISET SUBSET SUBSTRING SUBSTRING_REGEX SUCCEEDS"
                  + " SUM SYMMETRIC SYSTEM SYSTEM_TIME SYSTEM_USER TABLE TABLESAMPLE TAN TANH THEN TIME"
                  + " TIMESTAMP TIMEZONE_HOUR TIMEZONE_MINUTE TO TOP TRAILING TRANSLATE TRANSLATE_REGEX"
                  + " TRANSLATION TREAT TRIGGER TRIM TRIM_ARRAY TRUE TRUNCATE UESCAPE UNION UNIQUE"
                  + " UNKNOWN UNNEST UPDATE UPPER USE USER USING VALUE VALUES VALUE_OF VARBINARY VARCHAR"
                  + " VARIADIC VARYING VAR_POP VAR_SAMP VERBOSE VERSIONING WHEN WHENEVER WHERE"
                  + " WIDTH_BUCKET WINDOW WITH WITHIN WITHOUT WRITE XOR YEAR _ROWID_")
              .split(" "));

  /** Schemas that hold the database's own catalogs, in any of the dialects. */
  private static final Set<String> SYSTEM_SCHEMAS =
      Set.of("PG_CATALOG", "INFORMATION_SCHEMA", "MYSQL", "PERFORMANCE_SCHEMA", "SYS", "PG_TOAST");

  private Names() {}

  /**
   * Returns {@code name} when it is an SQL identifier, optionally schema-qualified ({@code
   * schema.table}), that is not a reserved word and does not point into a system catalog; throws
   * otherwise.
   */
  static String table(String name) {
    Objects.requireNonNull(name, "table");
    if (!TABLE.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "table name must match "
              + TABLE.pattern()
              + " (letters, digits and _, optionally schema.table), got: '"
              + name
              + "'");
    }
    int dot = name.indexOf('.');
    String schema = dot < 0 ? null : name.substring(0, dot).toUpperCase(Locale.ROOT);
    String table = name.substring(dot + 1).toUpperCase(Locale.ROOT);
    for (String part : dot < 0 ? List.of(table) : List.of(schema, table)) {
      if (RESERVED.contains(part)) {
        throw new IllegalArgumentException(
            "table name '"
                + name
                + "' uses the SQL reserved word "
                + part
                + "; names are not quoted, so pick another (event_dedup, for example)");
      }
    }
    // pg_ names are PostgreSQL's own (its catalogs are found before the search path's tables)
    if ((schema != null && (SYSTEM_SCHEMAS.contains(schema) || schema.startsWith("PG_")))
        || table.startsWith("PG_")) {
      throw new IllegalArgumentException(
          "table name '"
              + name
              + "' points into a system catalog (pg_*, information_schema, mysql,"
              + " performance_schema, sys); use a schema of your own");
    }
    return name;
  }

  /**
   * Returns {@code key} when a key or entity column can hold it exactly; throws {@link
   * UnstorableKeyException} otherwise (the rule every store applies, {@link StoreKeys}).
   */
  static String key(String what, String key) {
    return StoreKeys.check(what, key);
  }

  /**
   * The distinct values of {@code values} in their first order, each checked by {@link #key}: the
   * first one no column can hold throws, so a batch is refused before anything is sent.
   */
  static Set<String> keys(String what, Collection<String> values) {
    Set<String> distinct = new LinkedHashSet<>();
    for (String value : values) {
      distinct.add(key(what, value));
    }
    return distinct;
  }

  /** Returns {@code owner} when the owner column can hold it; throws otherwise. */
  static String owner(String owner) {
    return text("owner", owner, MAX_OWNER_LENGTH);
  }

  private static String text(String what, String value, int maxLength) {
    Objects.requireNonNull(value, what);
    if (value.length() > maxLength) {
      throw new IllegalArgumentException(
          what + " is " + value.length() + " chars, longer than " + maxLength);
    }
    // PostgreSQL cannot store NUL in text; rejecting it everywhere keeps the dialects alike
    if (value.indexOf('\u0000') >= 0) {
      throw new IllegalArgumentException(what + " contains a NUL character");
    }
    return value;
  }
}
