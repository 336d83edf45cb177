package network.manifest.metrics.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.HttpStatus;

import network.manifest.metrics.ingest.RemoteWriteFormat.Encoding;
import network.manifest.metrics.ingest.RemoteWriteFormat.Version;

class RemoteWriteFormatTest {

	@ParameterizedTest
	@NullSource
	@ValueSource(strings = { "", "application/x-protobuf", "application/x-protobuf;proto=prometheus.WriteRequest",
			"Application/X-Protobuf; proto=prometheus.WriteRequest" })
	void remoteWrite1(String contentType) {
		assertThat(RemoteWriteFormat.of(contentType, "snappy")).isEqualTo(new RemoteWriteFormat(Version.V1, Encoding.SNAPPY));
	}

	@Test
	void remoteWrite2() {
		assertThat(RemoteWriteFormat.of("application/x-protobuf;proto=io.prometheus.write.v2.Request", null).version())
			.isEqualTo(Version.V2);
	}

	@Test
	void encodings() {
		assertThat(RemoteWriteFormat.of(null, null).encoding()).isEqualTo(Encoding.SNAPPY);
		assertThat(RemoteWriteFormat.of(null, "zstd").encoding()).isEqualTo(Encoding.ZSTD);
		assertThat(RemoteWriteFormat.of(null, "ZSTD").encoding()).isEqualTo(Encoding.ZSTD);
	}

	@ParameterizedTest
	@ValueSource(strings = { "application/json", "text/plain", "application/x-protobuf;proto=io.prometheus.write.v3.Request",
			"application/x-protobuf;proto=prometheus.ReadRequest", "not a media type" })
	void otherContentTypesAreUnsupported(String contentType) {
		assertThatThrownBy(() -> RemoteWriteFormat.of(contentType, "snappy")).isInstanceOfSatisfying(IngestException.class,
				e -> assertThat(e.status()).isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE));
	}

	@ParameterizedTest
	@ValueSource(strings = { "gzip", "identity", "br", "snappy, gzip" })
	void otherEncodingsAreUnsupported(String encoding) {
		assertThatThrownBy(() -> RemoteWriteFormat.of(null, encoding)).isInstanceOfSatisfying(IngestException.class,
				e -> assertThat(e.status()).isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE));
	}

}
