-- The ingestion interface of the database: rows inserted into these tables (INSERT or COPY, from any
-- client; tag rows before the sample rows that use them) are moved into the raw tables and the rollups by
-- the statement-level triggers of R__2_flush.sql, in the inserting transaction. The service writes
-- through temporary copies of them (internal.create_session_staging()).

CREATE UNLOGGED TABLE staging_internal.prometheus_remote_write (LIKE internal.prometheus_remote_write);
CREATE UNLOGGED TABLE staging_internal.prometheus_remote_write_tag (LIKE internal.prometheus_remote_write_tag);
CREATE UNLOGGED TABLE staging_cumsum.prometheus_remote_write (LIKE cumsum.prometheus_remote_write);
CREATE UNLOGGED TABLE staging_cumsum.prometheus_remote_write_tag (LIKE internal.prometheus_remote_write_tag);

-- Every flush leaves dead rows behind; vacuum them often so the staging tables stay tiny.
ALTER TABLE staging_internal.prometheus_remote_write SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 10000);
ALTER TABLE staging_internal.prometheus_remote_write_tag SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 10000);
ALTER TABLE staging_cumsum.prometheus_remote_write SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 10000);
ALTER TABLE staging_cumsum.prometheus_remote_write_tag SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 10000);
