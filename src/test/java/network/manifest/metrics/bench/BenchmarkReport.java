package network.manifest.metrics.bench;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The results of one run as a markdown table: metric, value, target, met / not met. */
record BenchmarkReport(BenchmarkSettings settings, Machine machine, IngestBenchmark.Result ingest,
		ReplayBenchmark.Result replay, ApiBenchmark.Result api, Instant finished) {

	static final long HEAP_LIMIT = 256L << 20;

	static final double SHAPE_P50_LIMIT_MS = 100;

	/** One line of the table; {@code met} is null for a plain measurement without a target. */
	record Row(String metric, String value, String target, Boolean met) {

		String verdict() {
			return met == null ? "" : met ? "met" : "**not met**";
		}

	}

	List<Row> rows() {
		List<Row> rows = new ArrayList<>();
		IngestBenchmark.Result in = ingest;
		double ratio = in.freshSamplesPerSecond() / in.floorSamplesPerSecond();
		double replayRatio = in.replaySamplesPerSecond() / in.freshSamplesPerSecond();
		rows.add(new Row("ingest over HTTP", rate(in.freshSamplesPerSecond()), "", null));
		rows.add(new Row("ingest request latency p50 / p99", ms(in.fresh().p50()) + " / " + ms(in.fresh().p99()), "", null));
		rows.add(new Row("raw rows written", count(in.rawRows()), "= samples sent (" + count(in.samples()) + ")",
				in.rawRows() == in.samples()));
		rows.add(new Row("rollup rows written", count(in.rollupRows()), "", null));
		rows.add(new Row("COPY floor (same rows, same indexes, no dedupe, no rollups)", rate(in.floorSamplesPerSecond()),
				"", null));
		rows.add(new Row("ingest / COPY", ratio(ratio, 0.5), "≥ 0.5", ratio >= 0.5));
		rows.add(new Row("duplicate replay over HTTP", rate(in.replaySamplesPerSecond()), "", null));
		rows.add(new Row("duplicate replay latency p50 / p99", ms(in.replay().p50()) + " / " + ms(in.replay().p99()), "",
				null));
		rows.add(new Row("rows added by the duplicate replay", count(in.replayNewRows()), "0", in.replayNewRows() == 0));
		rows.add(new Row("duplicate replay / fresh ingest", ratio(replayRatio, 2), "≥ 2", replayRatio >= 2));
		rows.add(new Row("max heap of the run (Runtime.maxMemory)", mib(machine.maxHeapBytes()), "≤ 256 MiB, run completes",
				machine.maxHeapBytes() <= HEAP_LIMIT));
		ReplayBenchmark.Result r = replay;
		String shape = count(r.samples()) + " samples, " + r.series() + " series, "
				+ String.format(Locale.ROOT, "%.1f MiB", r.bodyBytes() / (double) (1 << 20));
		rows.add(new Row("replay request (" + shape + "), first on empty tables", seconds(r.firstMillis()), "≤ 10 s",
				r.firstMillis() <= 10_000));
		rows.add(new Row("replay request rate / its COPY floor (" + rate(r.floorSamplesPerSecond()) + ")",
				rate(r.samplesPerSecond()) + " = " + ratio(r.samplesPerSecond() / r.floorSamplesPerSecond(), 0.7), "≥ 0.7",
				r.samplesPerSecond() / r.floorSamplesPerSecond() >= 0.7));
		rows.add(new Row("replay request resent (all duplicates)", seconds(r.resendMillis()), "≤ 3 s",
				r.resendMillis() <= 3_000));
		rows.add(new Row("replay request, " + ReplayBenchmark.COPIES + " copies at once on empty tables: slowest answer "
				+ r.copiesStatuses(), seconds(r.copiesMillis()), "≤ 12 s, all 204",
				r.copiesMillis() <= 12_000 && r.copiesStatuses().stream().allMatch(c -> c == 204)));
		rows.add(new Row("replay request, " + ReplayBenchmark.COPIES + " copies: raw rows stored", count(r.rowsStored()),
				"= samples (" + count(r.samples()) + ")", r.rowsStored() == r.samples()));
		for (ApiBenchmark.ShapeResult s : api.shapes()) {
			rows.add(new Row(s.shape().label() + ": p50 over HTTP", ms(s.http().p50()), "≤ 100 ms",
					s.http().p50() <= SHAPE_P50_LIMIT_MS));
			if (s.shape().heavy()) {
				rows.add(new Row(s.shape().label() + ": HTTP / direct SQL p50", ratio(s.overhead(), 1.2), "≤ 1.2",
						s.overhead() <= 1.2));
			}
			rows.add(new Row(s.shape().label() + ": p50 from the result cache", ms(s.cached().p50()), "≤ 1 ms",
					s.cached().p50() <= 1.0));
			rows.add(new Row(s.shape().label() + ": cached ÷ uncached calls per second", ratio(s.cachedSpeedUp(), 10),
					"≥ 10", s.cachedSpeedUp() >= 10));
		}
		CacheFreshness.Result f = api.freshness();
		rows.add(new Row("cached answers differing from SQL at the same moment (" + count(f.checked()) + " checked, "
				+ count(f.inconclusive()) + " with a write in between, " + count(f.writes()) + " writes)",
				count(f.differing()), "0", f.differing() == 0 && f.checked() > 0));
		return rows;
	}

	List<Row> unmet() {
		return rows().stream().filter(r -> Boolean.FALSE.equals(r.met())).toList();
	}

	String markdown() {
		StringBuilder md = new StringBuilder();
		md.append("# Benchmark results\n\n");
		md.append("Run finished ").append(finished.truncatedTo(ChronoUnit.SECONDS)).append(", size `")
			.append(settings.size()).append("`, command `./mvnw -B test -Pbench` (README, \"Benchmarks\").\n\n");
		md.append("## Machine\n\n| | |\n|---|---|\n");
		md.append("| cores | ").append(machine.cores()).append(" |\n");
		md.append("| memory | ").append(String.format(Locale.ROOT, "%.1f GiB", machine.memoryBytes() / (double) (1L << 30)))
			.append(" |\n");
		md.append("| PostgreSQL | ").append(machine.postgres()).append(" |\n");
		md.append("| storage mode | ").append(machine.storage()).append(" |\n");
		md.append("| PostgreSQL settings | ").append(machine.postgresSettings()).append(" |\n");
		md.append("| JVM | ").append(machine.jvm()).append(", max heap ").append(mib(machine.maxHeapBytes()))
			.append(" (service and clients in one JVM) |\n\n");

		md.append("## Data\n\n");
		md.append(String.format(Locale.ROOT,
				"- Ingest: %d series, %s of 1-minute samples = %s samples in %d requests (%d points per series, "
						+ "about %s samples per request, %.1f MiB snappy), %d concurrent clients, `POST /write` (blocking "
						+ "keep-alive client), after untimed warm-up rounds over the preceding ranges (a tenth as many "
						+ "requests each; rounds after the first %d resend those rounds' requests, which add no rows) until the "
						+ "JIT compiler was quiet (%s), then ten one-minute requests of a stored minute per measured "
						+ "request, for the code that runs once per request (%d warm-up requests in all). COPY floor: the same rows by "
						+ "%d concurrent COPY clients into scratch tables `LIKE` the raw tables including their indexes, "
						+ "one transaction per request, after the fresh warm-up rounds' windows. The service and the floor "
						+ "take turns in %d blocks each (service, floor, floor, service, ...) so that both see the same phases "
						+ "of the machine. Each block, and the replay, starts after `VACUUM (ANALYZE)`, so none pays for the "
						+ "autovacuum of the rows the one before wrote.\n",
				settings.series(), span(settings.ingestMinutes()), count(ingest.samples()), ingest.requests(),
				settings.pointsPerSeries(), count(ingest.samples() / Math.max(1, ingest.requests())),
				ingest.bodyBytes() / (double) (1 << 20), settings.clients(), IngestBenchmark.FRESH_WARM_UP_ROUNDS,
				warmUp(ingest.warmUp()),
				ingest.warmUpRequests(), settings.clients(), ingest.measuredBlocks()));
		md.append(String.format(Locale.ROOT,
				"- API: %d dashboard series, %s of 1-minute samples ending now = %s rows, loaded through the staging "
						+ "tables with COPY (the database's ingestion interface: same flush triggers and rollups as the "
						+ "service) by %d connections in %.0f s (%s rows/s), then `VACUUM (ANALYZE)` and a `CHECKPOINT`. First untimed rounds of every shape "
						+ "(%d calls per path and round) until the JIT compiler was quiet (%s). Then each shape: as many untimed "
						+ "calls over each path, then up to %d measured calls per path (at most %d s) with concurrency %d over HTTP "
						+ "(`Accept-Encoding: %s`, blocking keep-alive client) and of the same SQL over JDBC (connections as warm as "
						+ "the service's pool), in %d blocks per path taking turns (HTTP, SQL, SQL, HTTP, ...) so that both "
						+ "see the same phases of the machine.\n\n",
				api.loadSeries(), span(settings.apiMinutes()), count(api.loadRows()), settings.loadThreads(),
				api.load().seconds(), count((long) api.load().perSecond(api.loadRows())), settings.apiRequests(),
				warmUp(api.warmUp()), settings.apiRequests(), settings.apiMaxPerShape().toSeconds(),
				settings.apiConcurrency(), settings.acceptEncoding(), ApiBenchmark.measuredBlocks(settings)));

		md.append("## Results\n\n| metric | value | target | met |\n|---|---|---|---|\n");
		for (Row r : rows()) {
			md.append("| ").append(r.metric()).append(" | ").append(r.value()).append(" | ").append(r.target())
				.append(" | ").append(r.verdict()).append(" |\n");
		}
		md.append("\n## API calls in detail\n\n")
			.append("HTTP: answered from the database (`Cache-Control: no-cache`); cached: the same call answered from "
					+ "the result cache.\n\n")
			.append("| shape | rows | HTTP coding | HTTP p50 | HTTP p99 | HTTP req/s | SQL p50 | SQL p99 | SQL req/s "
					+ "| HTTP / SQL p50 | HTTP / SQL mean | cached p50 | cached p99 | cached req/s |\n")
			.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
		for (ApiBenchmark.ShapeResult s : api.shapes()) {
			md.append(String.format(Locale.ROOT,
					"| %s | %d | %s | %s | %s | %.1f | %s | %s | %.1f | %s | %s | %s | %s | %.1f |\n",
					s.shape().label(), s.rows(), s.coding() == null ? "none" : s.coding(), ms(s.http().p50()),
					ms(s.http().p99()), s.http().requestsPerSecond(),
					ms(s.sql().p50()), ms(s.sql().p99()), s.sql().requestsPerSecond(), ratio(s.overhead()),
					ratio(s.meanOverhead()), ms(s.cached().p50()), ms(s.cached().p99()), s.cached().requestsPerSecond()));
		}
		md.append("\n## CPU and WAL per 1,000 samples ingested\n\n")
			.append("WAL: what the whole server wrote during each path's blocks (its WAL position before and after each).\n\n")
			.append("| path | JVM (service and clients) | of which the service's request threads | of which JIT and GC "
					+ "| PostgreSQL | WAL |\n")
			.append("|---|---|---|---|---|---|\n");
		long thousands = Math.max(1, ingest.samples() / 1000);
		md.append(String.format(Locale.ROOT, "| service over HTTP | %s ms | %s ms | %s ms | %s ms | %s |\n",
				cpu(ingest.freshCpu().jvmMillisPer(thousands)), cpu(ingest.freshCpu().serviceMillisPer(thousands)),
				cpu(ingest.freshCpu().jitAndGcMillisPer(thousands)), cpu(ingest.freshCpu().postgresMillisPer(thousands)),
				walBytes(ingest.freshWal(), thousands)));
		md.append(String.format(Locale.ROOT, "| COPY floor | %s ms | | %s ms | %s ms | %s |\n",
				cpu(ingest.floorCpu().jvmMillisPer(thousands)), cpu(ingest.floorCpu().jitAndGcMillisPer(thousands)),
				cpu(ingest.floorCpu().postgresMillisPer(thousands)), walBytes(ingest.floorWal(), thousands)));
		md.append("\n## CPU per API call\n\n")
			.append("Milliseconds of CPU per measured call: the service's request threads, the whole JVM (service, "
					+ "clients, JIT, GC), of that the JIT compiler and garbage collector threads, and the PostgreSQL "
					+ "server, over HTTP and over direct SQL; and the JVM and PostgreSQL together over HTTP ÷ over SQL "
					+ "(while the callers keep every core busy, the ratio of mean latencies follows it).\n\n")
			.append("| shape | HTTP: service threads | HTTP: JVM | HTTP: JIT and GC | HTTP: PostgreSQL | SQL: JVM "
					+ "| SQL: JIT and GC | SQL: PostgreSQL | HTTP / SQL CPU |\n")
			.append("|---|---|---|---|---|---|---|---|---|\n");
		for (ApiBenchmark.ShapeResult s : api.shapes()) {
			int h = s.http().count();
			int q = s.sql().count();
			md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", s.shape().label(),
					cpu(s.httpCpu().serviceMillisPer(h)), cpu(s.httpCpu().jvmMillisPer(h)),
					cpu(s.httpCpu().jitAndGcMillisPer(h)), cpu(s.httpCpu().postgresMillisPer(h)),
					cpu(s.sqlCpu().jvmMillisPer(q)), cpu(s.sqlCpu().jitAndGcMillisPer(q)),
					cpu(s.sqlCpu().postgresMillisPer(q)), s.cpuOverhead() < 0 ? "n/a" : ratio(s.cpuOverhead())));
		}
		List<Row> unmet = unmet();
		md.append("\n## Targets not met\n\n");
		if (unmet.isEmpty()) {
			md.append("None.\n");
		}
		for (Row r : unmet) {
			md.append("- ").append(r.metric()).append(": ").append(r.value()).append(" (target ").append(r.target())
				.append(")\n");
		}
		return md.toString();
	}

	private static String rate(double perSecond) {
		return count(Math.round(perSecond)) + " samples/s";
	}

	private static String seconds(double millis) {
		return String.format(Locale.ROOT, "%.1f s", millis / 1000);
	}

	private static String ms(double millis) {
		return String.format(Locale.ROOT, millis < 10 ? "%.2f ms" : "%.1f ms", millis);
	}

	private static String cpu(double millis) {
		return millis < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", millis);
	}

	private static String walBytes(long bytes, long thousands) {
		return String.format(Locale.ROOT, "%.0f KiB", bytes / 1024.0 / thousands);
	}

	private static String warmUp(WarmUp.Outcome w) {
		return String.format(Locale.ROOT, "%d round%s, %.0f s%s", w.rounds(), w.rounds() == 1 ? "" : "s", w.seconds(),
				w.quiet() ? "" : ", still compiling at the limit");
	}

	private static String ratio(double r) {
		return String.format(Locale.ROOT, "%.2f", r);
	}

	/** A ratio next to its target: one more decimal where two would print the target itself (1.2049 → 1.205). */
	static String ratio(double r, double target) {
		String two = ratio(r);
		return two.equals(ratio(target)) && r != target ? String.format(Locale.ROOT, "%.3f", r) : two;
	}

	private static String count(long n) {
		return String.format(Locale.ROOT, "%,d", n);
	}

	private static String mib(long bytes) {
		return (bytes >> 20) + " MiB";
	}

	private static String span(long minutes) {
		return minutes % BenchmarkSettings.DAY_MINUTES == 0 ? (minutes / BenchmarkSettings.DAY_MINUTES) + " days"
				: minutes + " minutes";
	}

}
