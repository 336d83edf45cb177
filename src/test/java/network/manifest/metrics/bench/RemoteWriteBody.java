package network.manifest.metrics.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

import org.xerial.snappy.Snappy;

import network.manifest.metrics.bench.TrafficGenerator.Series;
import network.manifest.metrics.ingest.proto.RemoteWriteV1;

/** A remote write 1.0 body as Prometheus and vmalert send it: protobuf, snappy block-compressed. */
final class RemoteWriteBody {

	/** The headers a remote write 1.0 sender sends with such a body. */
	static final Map<String, String> HEADERS = Map.of("Content-Type", "application/x-protobuf", "Content-Encoding",
			"snappy", "X-Prometheus-Remote-Write-Version", "0.1.0");

	private RemoteWriteBody() {
	}

	static byte[] snappy(List<Series> window) {
		RemoteWriteV1.WriteRequest.Builder request = RemoteWriteV1.WriteRequest.newBuilder();
		for (Series s : window) {
			RemoteWriteV1.TimeSeries.Builder ts = request.addTimeseriesBuilder();
			for (Map.Entry<String, String> label : s.labels().entrySet()) {
				ts.addLabels(RemoteWriteV1.Label.newBuilder().setName(label.getKey()).setValue(label.getValue()));
			}
			long[] times = s.times();
			double[] values = s.values();
			for (int i = 0; i < times.length; i++) {
				ts.addSamples(RemoteWriteV1.Sample.newBuilder().setTimestamp(times[i]).setValue(values[i]));
			}
		}
		try {
			return Snappy.compress(request.build().toByteArray());
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

}
