package network.manifest.metrics.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.xerial.snappy.Snappy;

import com.github.luben.zstd.Zstd;

import network.manifest.metrics.ingest.proto.RemoteWriteV1;
import network.manifest.metrics.ingest.proto.RemoteWriteV2;

/** Builds remote-write request bodies the way Prometheus and vmalert send them. */
final class RemoteWriteRequests {

	private final List<TestSeries> series = new ArrayList<>();

	static RemoteWriteRequests request() {
		return new RemoteWriteRequests();
	}

	/** A series named {@code name} with labels given as name, value pairs. */
	TestSeries series(String name, String... labelPairs) {
		TestSeries s = new TestSeries();
		if (name != null) {
			s.labels.put(SeriesRouter.NAME_LABEL, name);
		}
		for (int i = 0; i < labelPairs.length; i += 2) {
			s.labels.put(labelPairs[i], labelPairs[i + 1]);
		}
		series.add(s);
		return s;
	}

	RemoteWriteRequests add(TestSeries s) {
		series.add(s);
		return this;
	}

	int sampleCount() {
		return series.stream().mapToInt(s -> s.times.size()).sum();
	}

	RemoteWriteV1.WriteRequest v1() {
		RemoteWriteV1.WriteRequest.Builder request = RemoteWriteV1.WriteRequest.newBuilder();
		for (TestSeries s : series) {
			RemoteWriteV1.TimeSeries.Builder ts = request.addTimeseriesBuilder();
			s.labels.forEach((k, v) -> ts.addLabels(RemoteWriteV1.Label.newBuilder().setName(k).setValue(v)));
			for (int i = 0; i < s.times.size(); i++) {
				ts.addSamples(RemoteWriteV1.Sample.newBuilder().setTimestamp(s.times.get(i)).setValue(s.values.get(i)));
			}
		}
		return request.build();
	}

	RemoteWriteV2.Request v2() {
		RemoteWriteV2.Request.Builder request = RemoteWriteV2.Request.newBuilder().addSymbols("");
		Map<String, Integer> symbols = new LinkedHashMap<>();
		symbols.put("", 0);
		for (TestSeries s : series) {
			RemoteWriteV2.TimeSeries.Builder ts = request.addTimeseriesBuilder();
			s.labels.forEach((k, v) -> {
				for (String sym : new String[] { k, v }) {
					ts.addLabelsRefs(symbols.computeIfAbsent(sym, x -> {
						request.addSymbols(x);
						return symbols.size();
					}));
				}
			});
			for (int i = 0; i < s.times.size(); i++) {
				ts.addSamples(RemoteWriteV2.Sample.newBuilder().setTimestamp(s.times.get(i)).setValue(s.values.get(i)));
			}
		}
		return request.build();
	}

	byte[] v1Snappy() {
		return snappy(v1().toByteArray());
	}

	static byte[] snappy(byte[] raw) {
		try {
			return Snappy.compress(raw);
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	static byte[] zstd(byte[] raw) {
		return Zstd.compress(raw);
	}

	/** A zstd stream without the content size in its frame header (as streaming compressors write it). */
	static byte[] zstdStreamed(byte[] raw) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try (com.github.luben.zstd.ZstdOutputStream z = new com.github.luben.zstd.ZstdOutputStream(out)) {
			z.write(raw);
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		return out.toByteArray();
	}

	static final class TestSeries {

		final Map<String, String> labels = new LinkedHashMap<>();

		final List<Long> times = new ArrayList<>();

		final List<Double> values = new ArrayList<>();

		TestSeries sample(long timeMillis, double value) {
			times.add(timeMillis);
			values.add(value);
			return this;
		}

	}

}
