package network.manifest.metrics.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;

import network.manifest.metrics.ingest.DecodedSeries.Label;
import network.manifest.metrics.ingest.RemoteWriteFormat.Version;
import network.manifest.metrics.ingest.proto.RemoteWriteV2;

class RemoteWriteDecoderTest {

	private static RemoteWriteRequests twoSeries() {
		RemoteWriteRequests request = RemoteWriteRequests.request();
		request.series("node_count").sample(1000, 3).sample(2000, 3);
		request.series("locked_tokens", "amount", "12000000", "manifest_tier", "testnet").sample(1000, 1);
		return request;
	}

	private static List<DecodedSeries> all(DecodedBody body) {
		List<DecodedSeries> out = new ArrayList<>();
		body.forEachSeries(out::add);
		return out;
	}

	@Test
	void v1SeriesAreReadAndCanBeReadAgainByHandle() {
		DecodedBody body = RemoteWriteDecoder.decode(Version.V1, twoSeries().v1().toByteArray());
		List<DecodedSeries> series = all(body);
		assertThat(series).hasSize(2);
		assertThat(series.get(0).labels()).containsExactly(new Label("__name__", "node_count"));
		assertThat(series.get(0).timestamps()).containsExactly(1000, 2000);
		assertThat(series.get(1).labels()).containsExactly(new Label("__name__", "locked_tokens"),
				new Label("amount", "12000000"), new Label("manifest_tier", "testnet"));
		DecodedSeries again = body.series(series.get(1).handle());
		assertThat(again.labels()).isEqualTo(series.get(1).labels());
		assertThat(again.values()).containsExactly(1.0);
	}

	@Test
	void v2LabelsComeFromTheSymbolTable() {
		DecodedBody body = RemoteWriteDecoder.decode(Version.V2, twoSeries().v2().toByteArray());
		List<DecodedSeries> series = all(body);
		assertThat(series).hasSize(2);
		assertThat(series.get(1).labels()).containsExactly(new Label("__name__", "locked_tokens"),
				new Label("amount", "12000000"), new Label("manifest_tier", "testnet"));
		assertThat(body.series(1).values()).containsExactly(1.0);
	}

	@Test
	void v2SymbolTableMustStartEmptyAndReferencesStayInRange() {
		RemoteWriteV2.Request good = twoSeries().v2();
		RemoteWriteV2.Request badFirst = good.toBuilder().setSymbols(0, "x").build();
		assertMalformed(() -> RemoteWriteDecoder.decode(Version.V2, badFirst.toByteArray()), "symbols[0]");
		RemoteWriteV2.Request outOfRange = good.toBuilder()
			.setTimeseries(0, good.getTimeseries(0).toBuilder().setLabelsRefs(1, 999))
			.build();
		assertMalformed(() -> all(RemoteWriteDecoder.decode(Version.V2, outOfRange.toByteArray())), "series 0");
		RemoteWriteV2.Request odd = good.toBuilder()
			.setTimeseries(1, good.getTimeseries(1).toBuilder().addLabelsRefs(1))
			.build();
		assertMalformed(() -> all(RemoteWriteDecoder.decode(Version.V2, odd.toByteArray())), "series 1");
	}

	@Test
	void garbageIsMalformed() {
		assertMalformed(() -> all(RemoteWriteDecoder.decode(Version.V1, new byte[] { 10, 100, 1, 2 })), "");
		assertMalformed(() -> all(RemoteWriteDecoder.decode(Version.V1, "hello world, not protobuf".getBytes())), "");
		assertMalformed(() -> RemoteWriteDecoder.decode(Version.V2, new byte[] { (byte) 0xff, 1 }), "");
	}

	@Test
	void labelValueThatIsNotUtf8NamesTheSeries() throws Exception {
		byte[] first = twoSeries().v1().getTimeseries(0).toByteArray();
		// series 1: one label whose value is the invalid UTF-8 byte 0xC3 alone
		byte[] label = labelBytes("job", new byte[] { (byte) 0xc3 });
		java.io.ByteArrayOutputStream series = new java.io.ByteArrayOutputStream();
		CodedOutputStream s = CodedOutputStream.newInstance(series);
		s.writeByteArray(1, label);
		s.flush();
		java.io.ByteArrayOutputStream request = new java.io.ByteArrayOutputStream();
		CodedOutputStream r = CodedOutputStream.newInstance(request);
		r.writeByteArray(1, first);
		r.writeByteArray(1, series.toByteArray());
		r.flush();
		assertMalformed(() -> all(RemoteWriteDecoder.decode(Version.V1, request.toByteArray())), "series 1");
	}

	private static byte[] labelBytes(String name, byte[] value) throws Exception {
		java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
		CodedOutputStream c = CodedOutputStream.newInstance(out);
		c.writeString(1, name);
		c.writeBytes(2, ByteString.copyFrom(value));
		c.flush();
		return out.toByteArray();
	}

	static void assertMalformed(Runnable action, String messagePart) {
		assertThatThrownBy(action::run).isInstanceOfSatisfying(IngestException.class, e -> {
			assertThat(e.status()).isEqualTo(HttpStatus.BAD_REQUEST);
			assertThat(e.getMessage()).contains(messagePart);
		});
	}

}
