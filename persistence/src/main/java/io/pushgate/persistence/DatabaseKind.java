package io.pushgate.persistence;

/**
 * The databases Pushgate stores its journal in, recognised by the JDBC URL prefix.
 *
 * <ul>
 *   <li>{@link #H2}: embedded, {@code jdbc:h2:...}. For a single node only: every node would have
 *       its own journal, and a session moving between nodes would lose its messages.
 *   <li>{@link #MARIADB}: {@code jdbc:mariadb://...} with the MariaDB driver, for clusters. {@code
 *       jdbc:mysql://} URLs are refused: the MariaDB driver does not accept them by default, and
 *       pekko-persistence-jdbc reports that only after a 30 s recovery timeout.
 *   <li>{@link #POSTGRESQL}: {@code jdbc:postgresql://...}, for clusters.
 * </ul>
 */
public enum DatabaseKind {
  H2("jdbc:h2:", "org.h2.Driver", "slick.jdbc.H2Profile$", "db/migration/h2"),
  MARIADB(
      "jdbc:mariadb:", "org.mariadb.jdbc.Driver", "slick.jdbc.MySQLProfile$", "db/migration/mysql"),
  POSTGRESQL(
      "jdbc:postgresql:",
      "org.postgresql.Driver",
      "slick.jdbc.PostgresProfile$",
      "db/migration/postgresql");

  private final String urlPrefix;
  private final String driverClass;
  private final String slickProfile;
  private final String migrationLocation;

  DatabaseKind(
      String urlPrefix, String driverClass, String slickProfile, String migrationLocation) {
    this.urlPrefix = urlPrefix;
    this.driverClass = driverClass;
    this.slickProfile = slickProfile;
    this.migrationLocation = migrationLocation;
  }

  /** The JDBC driver class for this database. */
  public String driverClass() {
    return driverClass;
  }

  /** The Slick profile pekko-persistence-jdbc uses to generate SQL for this database. */
  public String slickProfile() {
    return slickProfile;
  }

  /** The classpath folder holding this database's Flyway migrations. */
  public String migrationLocation() {
    return migrationLocation;
  }

  /**
   * The kind of database a JDBC URL points to.
   *
   * @throws IllegalArgumentException for {@code jdbc:mysql:} URLs (with the fix in the message) and
   *     for any database other than H2, MariaDB and PostgreSQL
   */
  public static DatabaseKind fromUrl(String url) {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("pushgate.db.url (PUSHGATE_DB_URL) is empty");
    }
    for (DatabaseKind kind : values()) {
      if (url.regionMatches(true, 0, kind.urlPrefix, 0, kind.urlPrefix.length())) return kind;
    }
    if (url.regionMatches(true, 0, "jdbc:mysql:", 0, "jdbc:mysql:".length())) {
      throw new IllegalArgumentException(
          "pushgate.db.url: jdbc:mysql: URLs are not supported; use the MariaDB driver's form "
              + "jdbc:mariadb://host:3306/database");
    }
    throw new IllegalArgumentException(
        "pushgate.db.url: unsupported database '"
            + scheme(url)
            + "'; use jdbc:h2:file:... (single node), jdbc:mariadb://host:3306/database or"
            + " jdbc:postgresql://host:5432/database");
  }

  private static String scheme(String url) {
    int second = url.indexOf(':', url.indexOf(':') + 1);
    return second > 0 ? url.substring(0, second + 1) : url;
  }
}
