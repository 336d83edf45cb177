package network.manifest.metrics.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.xerial.snappy.Snappy;

import network.manifest.metrics.ingest.proto.RemoteWriteV1;

/**
 * One sample of a metric of its own, sent as Prometheus sends it (protobuf, snappy), and the count of its
 * stored rows: for tests that only need to know a write went through end to end.
 */
public final class RemoteWriteProbe {

	private RemoteWriteProbe() {
	}

	/** {@code POST /write} of one sample (value 1, now) of {@code metric}. */
	public static HttpRequest request(int port, String metric) throws IOException {
		RemoteWriteV1.WriteRequest body = RemoteWriteV1.WriteRequest.newBuilder()
			.addTimeseries(RemoteWriteV1.TimeSeries.newBuilder()
				.addLabels(RemoteWriteV1.Label.newBuilder().setName("__name__").setValue(metric))
				.addSamples(RemoteWriteV1.Sample.newBuilder().setValue(1).setTimestamp(System.currentTimeMillis())))
			.build();
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/write"))
			.header("Content-Type", "application/x-protobuf")
			.header("Content-Encoding", "snappy")
			.header("X-Prometheus-Remote-Write-Version", "0.1.0")
			.POST(HttpRequest.BodyPublishers.ofByteArray(Snappy.compress(body.toByteArray())))
			.build();
	}

	/** Raw internal rows of {@code metric}. */
	public static long storedRows(TestDatabase.Database db, String metric) throws SQLException {
		try (Connection c = db.connect(); Statement st = c.createStatement();
				ResultSet rs = st.executeQuery("SELECT count(*) FROM internal.prometheus_remote_write WHERE name = '"
						+ metric.replace("'", "''") + "'")) {
			rs.next();
			return rs.getLong(1);
		}
	}

}
