package network.manifest.metrics.storage;

import static network.manifest.metrics.storage.Jdbc.rows;
import static network.manifest.metrics.storage.Jdbc.update;
import static network.manifest.metrics.storage.Jdbc.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;

/**
 * Every api function on rows written through the staging tables, against values worked out by hand
 * (SPEC section 6 for the tokenomics). Historic rows sit on 2024-03-10 from 10:00 UTC; "latest" rows a few
 * minutes before now.
 */
class ApiFunctionsTest {

	static final String TESTNET_TOTAL = "123427004070058399998";

	static final String MAINNET_TOTAL = "123427004070058399997";

	static MigratedDatabase db;

	static Connection c;

	/** The newest "recent" bucket: the minute two minutes before the test started. */
	static String recent;

	@BeforeAll
	static void writeRows() throws SQLException {
		db = MigratedDatabase.create();
		c = db.connect();
		OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES);
		recent = now.minusMinutes(2).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")) + "+00";
		String previous = now.minusMinutes(3).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")) + "+00";

		update(c, """
				INSERT INTO staging_internal.prometheus_remote_write_tag (tag_id, host, instance, country_name, city,
					supply, excluded_supply, amount) VALUES
				(1, 'telegraf', 'foobar:19999', NULL, NULL, '123427004070058399998', NULL, NULL),
				(2, 'telegraf', 'foobar:19999', NULL, NULL, NULL, '122999999987062065853', NULL),
				(3, 'telegraf', 'foobar:443', NULL, NULL, NULL, NULL, '12000000'),
				(4, 'telegraf', 'foobar:19999', NULL, NULL, NULL, NULL, '134244018'),
				(5, 'telegraf', 'foobar:443', NULL, NULL, NULL, NULL, NULL),
				(11, 'telegraf', 'foobar:19999', NULL, NULL, '123427004070058399997', NULL, NULL),
				(12, 'telegraf', 'foobar:19999', NULL, NULL, NULL, '122999999987062065852', NULL),
				(13, 'telegraf', 'foobar:443', NULL, NULL, NULL, NULL, '12000002'),
				(14, 'telegraf', 'foobar:19999', NULL, NULL, NULL, NULL, '134244017'),
				(15, 'telegraf', 'foobar:443', NULL, NULL, NULL, NULL, NULL),
				(20, 'telegraf', 'foobar:443', NULL, NULL, NULL, NULL, NULL),
				(21, 'telegraf', 'a', NULL, NULL, NULL, NULL, NULL),
				(22, 'telegraf', 'b', NULL, NULL, NULL, NULL, NULL),
				(23, 'telegraf', 'c', NULL, NULL, 'not a number', NULL, NULL),
				(24, 'telegraf', 'old-supply', NULL, NULL, '100', NULL, NULL),
				(31, 'telegraf', 'foobar:19999', NULL, NULL, NULL, NULL, NULL),
				(32, 'telegraf', 'foobar:19999', NULL, NULL, NULL, NULL, NULL),
				(33, 'telegraf', 'foobar:19999', 'United States', 'North Bergen', NULL, NULL, NULL),
				(41, 'telegraf', 'zeta:1', NULL, NULL, NULL, NULL, NULL),
				(43, 'telegraf', 'zeta:1', 'Germany', 'Berlin', NULL, NULL, NULL),
				(44, 'telegraf', 'zeta:1', 'France', 'Paris', NULL, NULL, NULL)""");
		update(c, """
				INSERT INTO staging_internal.prometheus_remote_write (time, tag_id, name, schema, value) VALUES
				-- 10:00, testnet: every tokenomics input; common: the power conversion
				('2024-03-10 10:00:05+00', 1, 'manifest_tokenomics_total_supply', 'testnet', 1),
				('2024-03-10 10:00:05+00', 2, 'manifest_tokenomics_excluded_supply', 'testnet', 1),
				('2024-03-10 10:00:05+00', 3, 'locked_tokens', 'testnet', 1),
				('2024-03-10 10:00:05+00', 4, 'locked_fees', 'testnet', 1),
				('2024-03-10 10:00:05+00', 5, 'total_mfx_burned', 'testnet', 4710007),
				('2024-03-10 10:00:07+00', 20, 'talib_mfx_power_conversion', 'common', 0.379),
				-- 10:00, mainnet
				('2024-03-10 10:00:05+00', 11, 'manifest_tokenomics_total_supply', 'mainnet', 1),
				('2024-03-10 10:00:05+00', 12, 'manifest_tokenomics_excluded_supply', 'mainnet', 1),
				('2024-03-10 10:00:05+00', 13, 'locked_tokens', 'mainnet', 1),
				('2024-03-10 10:00:05+00', 14, 'locked_fees', 'mainnet', 1),
				('2024-03-10 10:00:05+00', 15, 'total_mfx_burned', 'mainnet', 135304300855652060000),
				-- 10:01, testnet: total supply only, and no power conversion in this minute
				('2024-03-10 10:01:30+00', 1, 'manifest_tokenomics_total_supply', 'testnet', 1),
				-- node_count: max 5 (10:00:10) but last 3 (10:00:20) in minute 10:00; 4 at 10:02
				('2024-03-10 10:00:10+00', 21, 'node_count', 'common', 5),
				('2024-03-10 10:00:20+00', 22, 'node_count', 'common', 3),
				('2024-03-10 10:02:00+00', 21, 'node_count', 'common', 4),
				-- a supply label that is not a number: the value counts instead
				('2024-03-10 10:00:00+00', 23, 'odd_supply', 'common', 7),
				-- recent minutes
				(%1$s, 24, 'manifest_tokenomics_total_supply', 'testnet', 1),
				(%2$s, 1, 'manifest_tokenomics_total_supply', 'testnet', 1),
				(%2$s, 2, 'manifest_tokenomics_excluded_supply', 'testnet', 1),
				(%2$s, 3, 'locked_tokens', 'testnet', 1),
				(%2$s, 4, 'locked_fees', 'testnet', 1),
				(%2$s, 5, 'total_mfx_burned', 'testnet', 4710007),
				(%2$s, 11, 'manifest_tokenomics_total_supply', 'mainnet', 1),
				(%2$s, 12, 'manifest_tokenomics_excluded_supply', 'mainnet', 1),
				(%2$s, 13, 'locked_tokens', 'mainnet', 1),
				(%2$s, 14, 'locked_fees', 'mainnet', 1),
				(%2$s, 15, 'total_mfx_burned', 'mainnet', 135304300855652060000),
				(%2$s, 20, 'talib_mfx_power_conversion', 'common', 0.379),
				(%2$s, 21, 'node_count', 'common', 3),
				-- geo: an older minute, then the newest one with two instances
				(%1$s, 31, 'manifest_geo_latitude', 'geo', 1.5),
				(%1$s, 32, 'manifest_geo_longitude', 'geo', 2.5),
				(%2$s, 31, 'manifest_geo_latitude', 'geo', 40.804),
				(%2$s, 32, 'manifest_geo_longitude', 'geo', -74.012),
				(%2$s, 33, 'manifest_geo_metadata', 'geo', 1),
				(%2$s, 41, 'manifest_geo_latitude', 'geo', 52.52),
				(%2$s::timestamptz + interval '10 seconds', 43, 'manifest_geo_metadata', 'geo', 1),
				(%2$s::timestamptz + interval '20 seconds', 44, 'manifest_geo_metadata', 'geo', 1)
				""".formatted("'" + previous + "'", "'" + recent + "'"));
		update(c, """
				INSERT INTO staging_cumsum.prometheus_remote_write (time, tag_id, name, schema, value) VALUES
				('2024-03-10 09:58:30+00', 50, 'system_tcp_sent', 'cumsum', 60),
				('2024-03-10 10:00:30+00', 50, 'system_tcp_sent', 'cumsum', 60),
				('2024-03-10 10:01:30+00', 50, 'system_tcp_sent', 'cumsum', 60),
				('2024-03-10 10:02:30+00', 50, 'system_tcp_sent', 'cumsum', 60),
				('2024-03-10 10:03:30+00', 50, 'system_tcp_sent', 'cumsum', 60),
				('2024-03-10 10:04:30+00', 50, 'system_tcp_sent', 'cumsum', 60),
				('2024-03-10 10:04:40+00', 51, 'web_requests', 'cumsum', 2)""");
	}

	@AfterAll
	static void close() throws SQLException {
		c.close();
	}

	@Test
	void getAggMetricTakesTheLargestNumericTagOrValueNewestBucketFirst() throws SQLException {
		assertThat(rows(c, "SELECT * FROM api.get_agg_metric('manifest_tokenomics_total_supply', 'testnet', "
				+ "'1 minute', '2024-03-10 10:00+00', '2024-03-10 11:00+00')")).containsExactly(
				"2024-03-10 10:01:00+00|" + TESTNET_TOTAL, "2024-03-10 10:00:00+00|" + TESTNET_TOTAL);
		assertThat(rows(c, "SELECT * FROM api.get_agg_metric('locked_tokens', 'mainnet', '1 hour', "
				+ "'2024-03-10 00:00+00', '2024-03-11 00:00+00')")).containsExactly("2024-03-10 10:00:00+00|12000002");
		// max(value) per bucket, not the last value; p_to is exclusive
		assertThat(rows(c, "SELECT * FROM api.get_agg_metric('node_count', 'common', '1 minute', "
				+ "'2024-03-10 10:00+00', '2024-03-10 10:02+00')")).containsExactly("2024-03-10 10:00:00+00|5");
		assertThat(rows(c, "SELECT * FROM api.get_agg_metric('node_count', 'common', '1 day', "
				+ "'2024-03-10 00:00+00', '2024-03-11 00:00+00')")).containsExactly("2024-03-10 00:00:00+00|5");
		assertThat(rows(c, "SELECT * FROM api.get_agg_metric('node_count', 'common', '1 month', "
				+ "'2024-03-10 10:01+00', '2024-03-11 00:00+00')")).containsExactly("2024-03-01 00:00:00+00|4");
		assertThat(rows(c, "SELECT * FROM api.get_agg_metric('odd_supply', 'common', '1 minute', "
				+ "'2024-03-10 00:00+00', '2024-03-11 00:00+00')")).containsExactly("2024-03-10 10:00:00+00|7");
		assertThat(rows(c, "SELECT * FROM api.get_agg_metric('node_count', 'testnet', '1 minute', "
				+ "'2024-03-10 00:00+00', '2024-03-11 00:00+00')")).isEmpty();
	}

	@Test
	void getAggCumsumMetricAddsTheSumBeforeTheRangeOldestFirst() throws SQLException {
		assertThat(rows(c, "SELECT * FROM api.get_agg_cumsum_metric('system_tcp_sent', 'cumsum', '1 minute', "
				+ "'2024-03-10 10:00+00', '2024-03-10 10:03+00')")).containsExactly("2024-03-10 10:00:00+00|120",
				"2024-03-10 10:01:00+00|180", "2024-03-10 10:02:00+00|240");
		assertThat(rows(c, "SELECT * FROM api.get_agg_cumsum_metric('system_tcp_sent', 'cumsum', '2 minutes', "
				+ "'2024-03-10 10:00+00', '2024-03-10 10:05+00')")).containsExactly("2024-03-10 10:00:00+00|180",
				"2024-03-10 10:02:00+00|300", "2024-03-10 10:04:00+00|360");
		// a range starting before the first sample: no base; one after the last: no rows
		assertThat(rows(c, "SELECT * FROM api.get_agg_cumsum_metric('system_tcp_sent', 'cumsum', '1 hour', "
				+ "'2024-03-10 00:00+00', '2024-03-11 00:00+00')")).containsExactly("2024-03-10 09:00:00+00|60",
				"2024-03-10 10:00:00+00|360");
		assertThat(rows(c, "SELECT * FROM api.get_agg_cumsum_metric('system_tcp_sent', 'cumsum', '1 minute', "
				+ "'2024-03-10 10:05+00', '2024-03-10 11:00+00')")).isEmpty();
		assertThat(rows(c, "SELECT * FROM api.get_agg_cumsum_metric('system_tcp_sent', 'common', '1 minute', "
				+ "'2024-03-10 10:00+00', '2024-03-10 10:03+00')")).isEmpty();
	}

	@Test
	void tokenomicsPerBucketOldestFirst() throws SQLException {
		String range = "'1 minute', '2024-03-10 10:00+00', '2024-03-10 11:00+00'";
		assertThat(rows(c, "SELECT * FROM api.get_agg_circulating_supply('testnet', " + range + ")")).containsExactly(
				"2024-03-10 10:00:00+00|427004082850090127", "2024-03-10 10:01:00+00|" + TESTNET_TOTAL);
		assertThat(rows(c, "SELECT * FROM api.get_agg_circulating_supply('mainnet', " + range + ")"))
			.containsExactly("2024-03-10 10:00:00+00|427004082850090126");
		assertThat(rows(c, "SELECT * FROM api.get_agg_burned_supply('testnet', " + range + ")"))
			.containsExactly("2024-03-10 10:00:00+00|4710007");
		assertThat(rows(c, "SELECT * FROM api.get_agg_burned_supply('mainnet', " + range + ")"))
			.containsExactly("2024-03-10 10:00:00+00|135304300855652060000");
		// FDV = total × 0.379; in 10:01 the power conversion is missing: the row is there, with 0
		assertThat(rows(c, "SELECT * FROM api.get_agg_fdv('testnet', " + range + ")")).containsExactly(
				"2024-03-10 10:00:00+00|46778834542552133599.242", "2024-03-10 10:01:00+00|0");
		assertThat(rows(c, "SELECT * FROM api.get_agg_fdv('mainnet', " + range + ")"))
			.containsExactly("2024-03-10 10:00:00+00|46778834542552133598.863");
		assertThat(rows(c, "SELECT * FROM api.get_agg_market_cap('testnet', " + range + ")")).containsExactly(
				"2024-03-10 10:00:00+00|161834547400184158.133", "2024-03-10 10:01:00+00|0");
		assertThat(rows(c, "SELECT * FROM api.get_agg_market_cap('mainnet', " + range + ")"))
			.containsExactly("2024-03-10 10:00:00+00|161834547400184157.754");
		// One hour: maxima over both minutes, so the 10:00 power conversion applies to the hour
		String hour = "'1 hour', '2024-03-10 10:00+00', '2024-03-10 11:00+00'";
		assertThat(rows(c, "SELECT * FROM api.get_agg_fdv('testnet', " + hour + ")"))
			.containsExactly("2024-03-10 10:00:00+00|46778834542552133599.242");
		assertThat(rows(c, "SELECT * FROM api.get_agg_circulating_supply('testnet', " + hour + ")"))
			.containsExactly("2024-03-10 10:00:00+00|427004082850090127");
		assertThat(rows(c, "SELECT * FROM api.get_agg_fdv('devnet', " + hour + ")")).isEmpty();
	}

	@Test
	void latestTokenomicsComeFromTheNewestMinuteOfTheLastDay() throws SQLException {
		assertThat(rows(c, "SELECT * FROM api.get_latest_circulating_supply('testnet')"))
			.containsExactly(recent + "|427004082850090127");
		assertThat(rows(c, "SELECT * FROM api.get_latest_burned_supply('mainnet')"))
			.containsExactly(recent + "|135304300855652060000");
		assertThat(rows(c, "SELECT * FROM api.get_latest_fdv('testnet')"))
			.containsExactly(recent + "|46778834542552133599.242");
		assertThat(rows(c, "SELECT * FROM api.get_latest_market_cap('mainnet')"))
			.containsExactly(recent + "|161834547400184157.754");
		assertThat(rows(c, "SELECT * FROM api.get_all_latest_token_metrics('testnet')")).containsExactly(
				recent + "|circulating_supply|427004082850090127", recent + "|fdv|46778834542552133599.242",
				recent + "|market_cap|161834547400184158.133");
		assertThat(rows(c, "SELECT * FROM api.get_all_latest_token_metrics('mainnet')")).containsExactly(
				recent + "|circulating_supply|427004082850090126", recent + "|fdv|46778834542552133598.863",
				recent + "|market_cap|161834547400184157.754");
		assertThat(value(c, "SELECT api.get_latest_mainnet_circulating_supply_value()"))
			.isEqualTo("427004082850090126");
		// max supply over all tags (the non-numeric one is ignored)
		assertThat(value(c, "SELECT api.get_latest_mainnet_total_supply_value()")).isEqualTo(TESTNET_TOTAL);
	}

	@Test
	void allLatestTierMetricsGiveTheNewestMinutePerNameByName() throws SQLException {
		assertThat(rows(c, "SELECT * FROM api.get_all_latest_testnet_metrics()")).containsExactly(
				recent + "|locked_fees|134244018", recent + "|locked_tokens|12000000",
				recent + "|manifest_tokenomics_excluded_supply|122999999987062065853",
				recent + "|manifest_tokenomics_total_supply|" + TESTNET_TOTAL, recent + "|total_mfx_burned|4710007");
		assertThat(rows(c, "SELECT * FROM api.get_all_latest_mainnet_metrics()")).containsExactly(
				recent + "|locked_fees|134244017", recent + "|locked_tokens|12000002",
				recent + "|manifest_tokenomics_excluded_supply|122999999987062065852",
				recent + "|manifest_tokenomics_total_supply|" + MAINNET_TOTAL,
				recent + "|total_mfx_burned|135304300855652060000");
		assertThat(rows(c, "SELECT * FROM api.get_all_latest_common_metrics()")).containsExactly(
				recent + "|node_count|3", "2024-03-10 10:00:00+00|odd_supply|7",
				recent + "|talib_mfx_power_conversion|0.379");
		// the 1-minute rollup takes the last value of the minute (3 at 10:00:20), not the largest
		assertThat(rows(c, "SELECT bucket, value FROM internal.prometheus_common_1m WHERE name = 'node_count' "
				+ "AND bucket < '2024-03-11' ORDER BY bucket")).containsExactly("2024-03-10 10:00:00+00|3",
				"2024-03-10 10:02:00+00|4");
		assertThat(rows(c, "SELECT * FROM api.get_all_latest_cumsum_metrics()")).containsExactly(
				"2024-03-10 10:04:00+00|system_tcp_sent|360", "2024-03-10 10:04:00+00|web_requests|2");
	}

	@Test
	void latestGeoCoordinatesAreEveryInstanceOfTheNewestMinute() throws SQLException {
		assertThat(rows(c, "SELECT * FROM api.get_latest_geo_coordinates()")).containsExactly(
				"40.804|-74.012|United States|North Bergen", "52.52|null|France|Paris");
		assertThat(rows(c, "SELECT instance, latitude, longitude FROM geo.latest_coords WHERE bucket < '"
				+ recent + "'")).containsExactly("foobar:19999|1.5|2.5");
	}

	@Test
	void excludedAddressesCanBeAddedListedAndRemoved() throws SQLException {
		Jdbc.execute(c, "SELECT api.add_excluded_address('manifest1abc')");
		Jdbc.execute(c, "SELECT api.add_excluded_address('manifest1def')");
		Jdbc.execute(c, "SELECT api.rm_excluded_address('manifest1abc')");
		Jdbc.execute(c, "SELECT api.rm_excluded_address('not there')");
		assertThat(rows(c, "SELECT * FROM api.get_excluded_addresses()")).containsExactly("2|manifest1def");
		assertThatThrownBy(() -> Jdbc.execute(c, "SELECT api.add_excluded_address('manifest1def')"))
			.isInstanceOfSatisfying(PSQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("23505"));
	}

	@Test
	void strictFunctionsGiveNoRowsForANullArgument() throws SQLException {
		assertThat(rows(c, "SELECT * FROM api.get_agg_metric(NULL, 'common', '1 minute', '2024-03-10', '2024-03-11')"))
			.isEmpty();
		assertThat(rows(c, "SELECT * FROM api.get_agg_cumsum_metric('system_tcp_sent', 'cumsum', NULL, "
				+ "'2024-03-10', '2024-03-11')")).isEmpty();
		assertThat(rows(c, "SELECT * FROM api.get_agg_fdv('testnet', '1 minute', '2024-03-10', NULL)")).isEmpty();
		assertThat(rows(c, "SELECT * FROM api.get_agg_market_cap('testnet', '1 minute', NULL, '2024-03-11')"))
			.isEmpty();
		assertThat(rows(c, "SELECT * FROM api.get_agg_circulating_supply(NULL, '1 minute', '2024-03-10', "
				+ "'2024-03-11')")).isEmpty();
		assertThat(rows(c, "SELECT * FROM api.get_agg_burned_supply('testnet', NULL, '2024-03-10', '2024-03-11')"))
			.isEmpty();
		assertThat(rows(c, "SELECT * FROM api.get_latest_fdv(NULL)")).isEmpty();
		assertThat(rows(c, "SELECT * FROM api.get_all_latest_token_metrics(NULL)")).isEmpty();
		assertThat(rows(c, "SELECT count(*) FROM internal.excluded_addresses WHERE value IS NULL")).containsExactly("0");
		Jdbc.execute(c, "SELECT api.add_excluded_address(NULL)");
		assertThat(rows(c, "SELECT count(*) FROM internal.excluded_addresses WHERE value IS NULL")).containsExactly("0");
	}

	@Test
	void anIntervalMixingMonthsAndDaysIsRejectedLikeTimescaleDb() {
		assertThatThrownBy(() -> rows(c, "SELECT * FROM api.get_agg_metric('node_count', 'common', "
				+ "'1 month 1 day', '2024-03-10', '2024-03-11')"))
			.isInstanceOfSatisfying(PSQLException.class, e -> {
				assertThat(e.getSQLState()).isEqualTo("0A000");
				assertThat(e.getServerErrorMessage().getMessage())
					.isEqualTo("month intervals cannot have day or time component");
			});
	}

}
