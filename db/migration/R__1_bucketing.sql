-- Bucketing and label parsing, used by the rollups and the API in both storage modes.
--
-- Repeatable: Flyway runs this file again whenever it changes, after the versioned migrations. Each
-- function is dropped and created again (so that its result type may change; a changed argument list
-- needs the old signature dropped too).

-- "does not exist, skipping" from the DROPs of a first run is no news for the log.
SET LOCAL client_min_messages = warning;

-- A label value read as a number: anything that is not a plain decimal (text, NaN, Infinity, absurd
-- exponents) becomes NULL instead of an error, so one bad label can never fail a write or a rollup.
DROP FUNCTION IF EXISTS internal.to_numeric_or_null(text);
CREATE FUNCTION internal.to_numeric_or_null(v text) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT CASE
		WHEN pg_catalog.length(v) <= 1000
			AND v ~ '^\s*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,4})?\s*$'
		THEN v::numeric
	END
$$;

-- Raised by internal.time_bucket for widths TimescaleDB's time_bucket rejects, with its messages.
DROP FUNCTION IF EXISTS internal.time_bucket_reject(interval);
CREATE FUNCTION internal.time_bucket_reject(bucket_width interval) RETURNS timestamptz
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
BEGIN
	IF pg_catalog.date_trunc('month', bucket_width) <> interval '0'
			AND (extract(day FROM bucket_width) <> 0
				OR extract(epoch FROM bucket_width - pg_catalog.date_trunc('day', bucket_width)) <> 0) THEN
		RAISE EXCEPTION 'month intervals cannot have day or time component'
			USING ERRCODE = 'feature_not_supported';
	END IF;
	RAISE EXCEPTION 'period must be greater than 0' USING ERRCODE = 'invalid_parameter_value';
END
$$;

-- 2000-01-03 00:00 plus a number of microseconds (split into days and the rest so that the interval
-- arithmetic stays exact far from the origin).
DROP FUNCTION IF EXISTS internal.time_bucket_origin_plus(numeric);
CREATE FUNCTION internal.time_bucket_origin_plus(us numeric) RETURNS timestamp
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT timestamp '2000-01-03' + interval '1 day' * pg_catalog.floor(us / 86400000000)
		+ interval '1 microsecond' * (us - pg_catalog.floor(us / 86400000000) * 86400000000)
$$;

-- Floor of a UTC timestamp to a multiple of a fixed width (microseconds) counted from TimescaleDB's
-- default origin, Monday 2000-01-03 00:00 UTC. Numeric arithmetic keeps it exact for any date.
DROP FUNCTION IF EXISTS internal.time_bucket_fixed(numeric, timestamp);
CREATE FUNCTION internal.time_bucket_fixed(width_us numeric, ts timestamp) RETURNS timestamp
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT internal.time_bucket_origin_plus(pg_catalog.floor(
		extract(epoch FROM ts - timestamp '2000-01-03') * 1000000 / width_us) * width_us)
$$;

-- Floor of a UTC timestamp to a multiple of whole months counted from 2000-01-01.
DROP FUNCTION IF EXISTS internal.time_bucket_months(numeric, timestamp);
CREATE FUNCTION internal.time_bucket_months(months numeric, ts timestamp) RETURNS timestamp
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT timestamp '2000-01-01' + interval '1 month' * (pg_catalog.floor(
		((extract(year FROM ts) - 2000) * 12 + extract(month FROM ts) - 1) / months) * months)
$$;

-- The one bucketing function of this database, in both storage modes. It equals TimescaleDB's
-- time_bucket(interval, timestamptz) with default origins: widths without months from 2000-01-03 UTC,
-- month widths from 2000-01-01 UTC, floor division before the origin too, and the same errors for widths
-- that mix months with days or time or are not positive. Common widths take a date_trunc fast path
-- (same results: the origin is a Monday at midnight). A plain SQL expression, so the planner inlines it.
DROP FUNCTION IF EXISTS internal.time_bucket(interval, timestamptz);
CREATE FUNCTION internal.time_bucket(bucket_width interval, ts timestamptz) RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT CASE
		WHEN bucket_width IS NULL OR ts IS NULL THEN NULL::timestamptz
		WHEN NOT pg_catalog.isfinite(ts) THEN ts
		WHEN pg_catalog.date_trunc('month', bucket_width) = interval '0' THEN
			CASE
				WHEN extract(epoch FROM bucket_width) <= 0 THEN internal.time_bucket_reject(bucket_width)
				WHEN bucket_width = interval '1 minute'
					THEN pg_catalog.timezone('UTC', pg_catalog.date_trunc('minute', pg_catalog.timezone('UTC', ts)))
				WHEN bucket_width = interval '1 hour'
					THEN pg_catalog.timezone('UTC', pg_catalog.date_trunc('hour', pg_catalog.timezone('UTC', ts)))
				WHEN bucket_width = interval '1 day'
					THEN pg_catalog.timezone('UTC', pg_catalog.date_trunc('day', pg_catalog.timezone('UTC', ts)))
				WHEN bucket_width = interval '7 days'
					THEN pg_catalog.timezone('UTC', pg_catalog.date_trunc('week', pg_catalog.timezone('UTC', ts)))
				ELSE pg_catalog.timezone('UTC', internal.time_bucket_fixed(
					extract(epoch FROM bucket_width) * 1000000, pg_catalog.timezone('UTC', ts)))
			END
		WHEN extract(day FROM bucket_width) <> 0
			OR extract(epoch FROM bucket_width - pg_catalog.date_trunc('day', bucket_width)) <> 0
			OR extract(year FROM bucket_width) * 12 + extract(month FROM bucket_width) <= 0
			THEN internal.time_bucket_reject(bucket_width)
		WHEN bucket_width = interval '1 month'
			THEN pg_catalog.timezone('UTC', pg_catalog.date_trunc('month', pg_catalog.timezone('UTC', ts)))
		ELSE pg_catalog.timezone('UTC', internal.time_bucket_months(
			extract(year FROM bucket_width) * 12 + extract(month FROM bucket_width),
			pg_catalog.timezone('UTC', ts)))
	END
$$;

-- The smallest multiple of p_unit at or after ts (ts itself when it is one, or infinite).
DROP FUNCTION IF EXISTS internal.ceil_bucket(interval, timestamptz);
CREATE FUNCTION internal.ceil_bucket(p_unit interval, ts timestamptz) RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT CASE WHEN internal.time_bucket(p_unit, ts) = ts THEN ts ELSE internal.time_bucket(p_unit, ts) + p_unit END
$$;

-- Whether every bucket boundary of internal.time_bucket(p_interval, ·) is a multiple of p_unit (at most a day).
DROP FUNCTION IF EXISTS internal.interval_divides(interval, interval);
CREATE FUNCTION internal.interval_divides(p_interval interval, p_unit interval) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT CASE
		WHEN pg_catalog.date_trunc('month', p_interval) = interval '0' THEN
			extract(epoch FROM p_interval) > 0 AND extract(epoch FROM p_interval) % extract(epoch FROM p_unit) = 0
		ELSE extract(day FROM p_interval) = 0
			AND extract(epoch FROM p_interval - pg_catalog.date_trunc('day', p_interval)) = 0
			AND extract(year FROM p_interval) * 12 + extract(month FROM p_interval) > 0
	END
$$;

-- Internal functions are the owner's alone (V1's default privileges already keep PUBLIC out of those
-- the migrating role creates).
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA internal FROM PUBLIC;
