-- Journal and snapshot tables of pekko-persistence-jdbc 1.1.1 on PostgreSQL, from the DDL the
-- plugin ships in its jar (schema/postgres/postgres-create-schema.sql). Changes from that
-- script, each on purpose:
--  * Tables in the connection's current schema (the search_path; public by default) rather than
--    public.*, so a Pushgate cluster can have a schema of its own; the plugin's tables are
--    unqualified by default too.
--  * The ordering column's unique index is created IF NOT EXISTS, so that the whole script is
--    idempotent and a database set up with the shipped script can be baselined.
--  * No durable_state table: sessions are event sourced.
-- Persistence ids compare byte for byte (PostgreSQL's default collations are deterministic), so
-- the sessions of users "Alice" and "alice" stay apart.

CREATE TABLE IF NOT EXISTS event_journal (
    ordering BIGSERIAL,
    persistence_id VARCHAR(255) NOT NULL,
    sequence_number BIGINT NOT NULL,
    deleted BOOLEAN DEFAULT FALSE NOT NULL,
    writer VARCHAR(255) NOT NULL,
    write_timestamp BIGINT,
    adapter_manifest VARCHAR(255),
    event_ser_id INTEGER NOT NULL,
    event_ser_manifest VARCHAR(255) NOT NULL,
    event_payload BYTEA NOT NULL,
    meta_ser_id INTEGER,
    meta_ser_manifest VARCHAR(255),
    meta_payload BYTEA,
    PRIMARY KEY (persistence_id, sequence_number)
);

CREATE UNIQUE INDEX IF NOT EXISTS event_journal_ordering_idx ON event_journal (ordering);

CREATE TABLE IF NOT EXISTS event_tag (
    event_id BIGINT,
    tag VARCHAR(256),
    PRIMARY KEY (event_id, tag),
    CONSTRAINT fk_event_journal
        FOREIGN KEY (event_id)
        REFERENCES event_journal (ordering)
        ON DELETE CASCADE
);

CREATE TABLE IF NOT EXISTS snapshot (
    persistence_id VARCHAR(255) NOT NULL,
    sequence_number BIGINT NOT NULL,
    created BIGINT NOT NULL,
    snapshot_ser_id INTEGER NOT NULL,
    snapshot_ser_manifest VARCHAR(255) NOT NULL,
    snapshot_payload BYTEA NOT NULL,
    meta_ser_id INTEGER,
    meta_ser_manifest VARCHAR(255),
    meta_payload BYTEA,
    PRIMARY KEY (persistence_id, sequence_number)
);
