package network.manifest.metrics.bench;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Remote-write traffic shaped like the recorded series of the acceptance dataset (SPEC section 6 and the
 * reference fixtures): tokenomics series per tier whose big numbers travel as labels ({@code supply},
 * {@code excluded_supply}, {@code amount}) and change now and then (each change is a new series), the
 * power conversion, {@code node_count}, geo coordinates and metadata, cumulative counters, and common
 * per-instance metrics as filler. Samples are 1 minute apart. Everything is a pure function of the series
 * and the minute, so the same window can be generated again (duplicate replay, COPY floor).
 */
final class TrafficGenerator {

	static final long MINUTE_MS = 60_000L;

	static final String HOST_TAG = "telegraf";

	/** How a series' value moves from minute to minute. */
	enum Values {
		/** The value of the acceptance dataset, unchanged. */
		CONSTANT,
		/** A gauge with two decimals around the base value. */
		GAUGE,
		/** A large, slowly growing float (burned supply). */
		GROWING
	}

	/**
	 * One logical series. {@code bigLabel} (nullable) names a label carrying a big integer that grows by
	 * {@code bigStep} every {@code bigEveryMinutes}.
	 */
	record SeriesSpec(int id, String name, Map<String, String> labels, String schema, boolean cumsum,
			Values values, double base, String bigLabel, BigInteger bigBase, BigInteger bigStep) {

		boolean internal() {
			return !cumsum;
		}

	}

	/** A concrete series in one window: its full label set (with {@code __name__}) and its samples. */
	record Series(SeriesSpec spec, Map<String, String> labels, long[] times, double[] values) {

		int samples() {
			return times.length;
		}

	}

	private final List<SeriesSpec> specs;

	private final long bigEveryMinutes;

	TrafficGenerator(List<SeriesSpec> specs, long bigEveryMinutes) {
		this.specs = List.copyOf(specs);
		this.bigEveryMinutes = bigEveryMinutes;
	}

	List<SeriesSpec> specs() {
		return specs;
	}

	/** Every series with its samples for the minutes {@code [fromMinute, toMinute)} (epoch minutes). */
	List<Series> window(long fromMinute, long toMinute) {
		return points(fromMinute, toMinute, 1);
	}

	/**
	 * Every series with one sample per {@code stepMinutes} in {@code [fromMinute, toMinute)}, as a replay of
	 * rules evaluated at that interval sends them (a big-number label still changes at period boundaries).
	 */
	List<Series> points(long fromMinute, long toMinute, long stepMinutes) {
		List<Series> out = new ArrayList<>();
		for (SeriesSpec spec : specs) {
			long start = fromMinute;
			while (start < toMinute) {
				long end = spec.bigLabel() == null ? toMinute
						: Math.min(toMinute, (Math.floorDiv(start, bigEveryMinutes) + 1) * bigEveryMinutes);
				int n = (int) ((end - start + stepMinutes - 1) / stepMinutes);
				long[] times = new long[n];
				double[] values = new double[n];
				for (int i = 0; i < n; i++) {
					long minute = start + i * stepMinutes;
					times[i] = minute * MINUTE_MS;
					values[i] = value(spec, minute);
				}
				out.add(new Series(spec, labels(spec, start), times, values));
				start = start + n * stepMinutes;
			}
		}
		return out;
	}

	/** Samples in {@code [fromMinute, toMinute)} over all series. */
	long samples(long fromMinute, long toMinute) {
		return specs.size() * (toMinute - fromMinute);
	}

	private Map<String, String> labels(SeriesSpec spec, long minute) {
		Map<String, String> labels = new TreeMap<>(spec.labels());
		labels.put("__name__", spec.name());
		if (spec.bigLabel() != null) {
			BigInteger period = BigInteger.valueOf(Math.floorDiv(minute, bigEveryMinutes));
			labels.put(spec.bigLabel(), spec.bigBase().add(spec.bigStep().multiply(period)).toString());
		}
		return labels;
	}

	static double value(SeriesSpec spec, long minute) {
		return switch (spec.values()) {
			case CONSTANT -> spec.base();
			case GAUGE -> Math.round((spec.base() + spec.base() * 0.2 * noise(spec.id(), minute)) * 100) / 100.0;
			case GROWING -> spec.base() + minute * 1.0e6;
		};
	}

	/** Deterministic noise in [-1, 1) from the series and the minute (SplitMix64 finaliser). */
	private static double noise(int id, long minute) {
		long z = minute * 0x9E3779B97F4A7C15L + id * 0xBF58476D1CE4E5B9L;
		z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
		z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
		z = z ^ (z >>> 31);
		return (z >>> 11) * 0x1.0p-53 * 2 - 1;
	}

	/**
	 * The acceptance-shaped set: 27 recorded series (tokenomics of both tiers, power conversion, node count,
	 * geo for three instances, six cumulative counters) plus common per-instance metrics up to {@code count}.
	 */
	static List<SeriesSpec> acceptanceShaped(int count) {
		Builder b = new Builder();
		for (String tier : List.of("testnet", "mainnet")) {
			tokenomics(b, tier);
		}
		b.add("talib_mfx_power_conversion", "common", Values.GAUGE, 0.379, null, "instance", "foobar:443",
				"metric_source", "barfoo");
		b.add("node_count", "common", Values.CONSTANT, 3, null);
		for (int i = 1; i <= 3; i++) {
			String instance = "node-" + i + ":19999";
			String ip = "10.0.0." + i;
			b.add("manifest_geo_latitude", "geo", Values.CONSTANT, 40.804 + i, null, "dimension", "manifest_geo_latitude",
					"family", "manifest_geo", "instance", instance, "ip", ip);
			b.add("manifest_geo_longitude", "geo", Values.CONSTANT, -74.012 - i, null, "dimension",
					"manifest_geo_longitude", "family", "manifest_geo", "instance", instance, "ip", ip);
			b.add("manifest_geo_metadata", "geo", Values.CONSTANT, 1, null, "city", "North Bergen", "country_code", "US",
					"country_name", "United States", "dimension", "manifest_geo_metadata", "family", "manifest_geo",
					"instance", instance, "ip", ip, "region_code", "US-NJ", "region_name", "New Jersey", "zip_code", "07047");
		}
		for (String counter : List.of("system_tcp_sent", "system_tcp_received", "system_network_sent",
				"system_network_received", "web_requests", "decentralized_web_requests")) {
			b.add(counter, "cumsum", Values.CONSTANT, 60, null);
		}
		String[] fillers = { "manifest_node_up", "system_cpu_usage_percent", "system_memory_used_percent",
				"system_disk_used_percent", "manifest_block_height_lag" };
		for (int i = 0; b.specs.size() < count; i++) {
			String metric = fillers[i % fillers.length];
			b.add(metric, "common", Values.GAUGE, 10 + i % 50, null, "instance", "node-" + (i / fillers.length) + ":19999",
					"manifest_network", "true", "metric_source", "netdata");
		}
		return b.specs;
	}

	/** The series the measured dashboard queries read: mainnet tokenomics, power conversion, node count, TCP. */
	static List<SeriesSpec> dashboardSeries() {
		Builder b = new Builder();
		tokenomics(b, "mainnet");
		b.add("talib_mfx_power_conversion", "common", Values.GAUGE, 0.379, null, "instance", "foobar:443",
				"metric_source", "barfoo");
		b.add("node_count", "common", Values.CONSTANT, 3, null);
		b.add("system_tcp_sent", "cumsum", Values.CONSTANT, 60, null);
		return b.specs;
	}

	private static void tokenomics(Builder b, String tier) {
		int d = tier.equals("mainnet") ? -1 : 0;
		String chain = "manifest-ledger-" + tier;
		b.add("manifest_tokenomics_total_supply", tier, Values.CONSTANT, 1,
				new Big("supply", "123427004070058399998", d, 1_000_000_000_000L), "denom", "umfx", "dimension",
				"manifest_tokenomics_total_supply", "instance", "foobar:19999", "manifest_app", "validator", "manifest_tier",
				tier, "source", "grpc");
		b.add("manifest_tokenomics_excluded_supply", tier, Values.CONSTANT, 1,
				new Big("excluded_supply", "122999999987062065853", d, 1_000_000_000L), "denom", "umfx", "dimension",
				"manifest_tokenomics_excluded_supply", "instance", "foobar:19999", "manifest_app", "validator",
				"manifest_tier", tier, "source", "grpc");
		b.add("locked_tokens", tier, Values.CONSTANT, 1, new Big("amount", "12000000", -2 * d, 1000), "denom", "umfx",
				"instance", "foobar:443", "manifest_chain", chain, "manifest_tier", tier, "source", "postgres");
		b.add("locked_fees", tier, Values.CONSTANT, 1, new Big("amount", "134244018", d, 100_000), "denom", "umfx", "dimension",
				"manifest_tokenomics_fees", "instance", "foobar:19999", "manifest_app", "validator", "manifest_chain", chain,
				"manifest_tier", tier, "source", "grpc");
		b.add("total_mfx_burned", tier, Values.GROWING, tier.equals("mainnet") ? 1.3530430085565206E20 : 4710007, null,
				"instance", "foobar:443", "manifest_chain", chain, "manifest_tier", tier, "source", "postgres");
	}

	/** A big-number label: its name, first value (plus a per-tier offset) and growth per period. */
	private record Big(String label, String base, int offset, long step) {
	}

	private static final class Builder {

		private final List<SeriesSpec> specs = new ArrayList<>();

		void add(String name, String schema, Values values, double base, Big big, String... labelPairs) {
			Map<String, String> labels = new LinkedHashMap<>();
			for (int i = 0; i < labelPairs.length; i += 2) {
				labels.put(labelPairs[i], labelPairs[i + 1]);
			}
			boolean cumsum = schema.equals("cumsum");
			specs.add(new SeriesSpec(specs.size(), name, Map.copyOf(labels), schema, cumsum, values, base,
					big == null ? null : big.label(),
					big == null ? null : new BigInteger(big.base()).add(BigInteger.valueOf(big.offset())),
					big == null ? null : BigInteger.valueOf(big.step())));
		}

	}

}
