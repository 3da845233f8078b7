-- Journal and snapshot tables of pekko-persistence-jdbc 1.1.1 (MariaDB, through the plugin's
-- MySQL profile), from the DDL the plugin ships in its jar (schema/mysql/mysql-create-schema.sql).
-- Changes from that script, each on purpose:
--  * COLLATE utf8mb4_bin on every table: MariaDB's default collation (utf8mb4_general_ci) is
--    case-insensitive, so the sessions of users "Alice" and "alice" (distinct user ids) would
--    share one journal key and collide. Persistence ids and tags must compare byte for byte.
--  * LONGBLOB instead of BLOB (64 KB max) for payloads: a session snapshot holds all its pending
--    messages (max-pending x max-payload-bytes). The practical limit is then the server's
--    max_allowed_packet (16 MB by default on MariaDB 10.11).
--  * ENGINE=InnoDB stated: the journal needs transactions and foreign keys.
--  * The ordering column's unique index is declared inside CREATE TABLE (the shipped script's
--    SERIAL column plus a separate unique index made two identical indexes), so that the whole
--    script is IF NOT EXISTS and a database set up with the shipped script can be baselined.
--  * No durable_state table: sessions are event sourced (the plugin ships none for MySQL either).

CREATE TABLE IF NOT EXISTS event_journal (
    ordering BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    deleted BOOLEAN DEFAULT false NOT NULL,
    persistence_id VARCHAR(255) NOT NULL,
    sequence_number BIGINT NOT NULL,
    writer TEXT NOT NULL,
    write_timestamp BIGINT NOT NULL,
    adapter_manifest TEXT NOT NULL,
    event_payload LONGBLOB NOT NULL,
    event_ser_id INTEGER NOT NULL,
    event_ser_manifest TEXT NOT NULL,
    meta_payload LONGBLOB,
    meta_ser_id INTEGER,
    meta_ser_manifest TEXT,
    PRIMARY KEY (persistence_id, sequence_number),
    UNIQUE KEY event_journal_ordering_idx (ordering)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS event_tag (
    event_id BIGINT UNSIGNED NOT NULL,
    tag VARCHAR(255) NOT NULL,
    PRIMARY KEY (event_id, tag),
    FOREIGN KEY (event_id)
        REFERENCES event_journal(ordering)
        ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS snapshot (
    persistence_id VARCHAR(255) NOT NULL,
    sequence_number BIGINT NOT NULL,
    created BIGINT NOT NULL,
    snapshot_ser_id INTEGER NOT NULL,
    snapshot_ser_manifest TEXT NOT NULL,
    snapshot_payload LONGBLOB NOT NULL,
    meta_ser_id INTEGER,
    meta_ser_manifest TEXT,
    meta_payload LONGBLOB,
    PRIMARY KEY (persistence_id, sequence_number)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
