package io.pushgate.persistence;

import java.util.List;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateOutput;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the journal schema up to date with Flyway, from {@code db/migration/h2}, {@code
 * db/migration/mysql} or {@code db/migration/postgresql} on the classpath.
 *
 * <p>Blocking (JDBC): call it once from {@code main}, before the actor system starts. Safe to run
 * on every start and from several nodes at once (Flyway takes a database lock; applied versions are
 * recorded in {@value #HISTORY_TABLE}).
 *
 * <p>A database that already holds tables but no history table (for instance one set up with
 * pekko-persistence-jdbc's own scripts) is baselined at version 0 and then migrated; the V1 scripts
 * use {@code IF NOT EXISTS}, so existing tables are kept as they are.
 */
public final class SchemaMigrator {

  /**
   * Flyway's history table; named for Pushgate so a shared database's other tools are not confused.
   */
  public static final String HISTORY_TABLE = "pushgate_schema_history";

  private static final Logger log = LoggerFactory.getLogger(SchemaMigrator.class);

  private SchemaMigrator() {}

  /**
   * What a migration run did.
   *
   * @param applied versions applied by this run, in order (empty when already up to date)
   * @param schemaVersion the schema version after the run
   */
  public record Result(List<String> applied, String schemaVersion) {
    public Result {
      applied = List.copyOf(applied);
    }
  }

  /**
   * Applies the pending migrations for the database in {@code settings}.
   *
   * @throws IllegalStateException if the database cannot be reached or a migration fails; the
   *     message names the (redacted) URL and the cause
   */
  public static Result migrate(DatabaseSettings settings) {
    DatabaseKind kind = settings.kind();
    try {
      Flyway flyway =
          Flyway.configure(SchemaMigrator.class.getClassLoader())
              .dataSource(settings.url(), settings.user(), settings.password())
              .locations("classpath:" + kind.migrationLocation())
              .table(HISTORY_TABLE)
              .baselineOnMigrate(true)
              .baselineVersion("0")
              .load();
      MigrateResult result = flyway.migrate();
      List<String> applied = result.migrations.stream().map(SchemaMigrator::version).toList();
      String version =
          result.targetSchemaVersion != null
              ? result.targetSchemaVersion
              : result.initialSchemaVersion;
      if (applied.isEmpty()) {
        log.info("Schema of {} is up to date at version {}", settings.redactedUrl(), version);
      } else {
        log.info(
            "Schema of {} migrated to version {}: applied {}",
            settings.redactedUrl(),
            version,
            applied);
      }
      return new Result(applied, version);
    } catch (FlywayException e) {
      throw new IllegalStateException(
          "Schema migration failed on " + settings.redactedUrl() + ": " + e.getMessage(), e);
    }
  }

  private static String version(MigrateOutput output) {
    return output.version;
  }
}
