-- Removal of old raw internal data in whole minutes, so the oldest remaining minute is always complete
-- (internal.rebuild_rollups relies on that). Deletes at most p_limit rows per call, oldest first, and
-- returns how many it deleted: callers repeat it in short transactions until it returns less than
-- p_limit. Rollups are not touched. (TimescaleDB's drop_chunks also removes whole minutes.)
CREATE FUNCTION internal.delete_raw_before(p_cutoff timestamptz, p_limit integer) RETURNS bigint
LANGUAGE sql VOLATILE STRICT SET search_path = pg_catalog, pg_temp
AS $$
	WITH doomed AS (
		SELECT r.time, r.tag_id, r.name, r.schema FROM internal.prometheus_remote_write r
		WHERE r.time < internal.time_bucket('1 minute', p_cutoff)
		ORDER BY r.time
		LIMIT p_limit
	),
	gone AS (
		DELETE FROM internal.prometheus_remote_write r
		USING doomed d
		WHERE r.time = d.time AND r.tag_id = d.tag_id AND r.name = d.name AND r.schema = d.schema
		RETURNING 1
	)
	SELECT count(*) FROM gone
$$;
REVOKE EXECUTE ON FUNCTION internal.delete_raw_before(timestamptz, integer) FROM PUBLIC;
