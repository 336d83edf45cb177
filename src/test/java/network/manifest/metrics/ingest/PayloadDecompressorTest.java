package network.manifest.metrics.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

import com.github.luben.zstd.Zstd;

import network.manifest.metrics.ingest.RemoteWriteFormat.Encoding;

class PayloadDecompressorTest {

	private final PayloadDecompressor decompressor = new PayloadDecompressor(1000, 10_000);

	private static byte[] payload(int size) {
		byte[] b = new byte[size];
		new SplittableRandom(size).nextBytes(b);
		for (int i = 0; i < size; i += 3) {
			b[i] = 7; // compressible, but not trivially
		}
		return b;
	}

	@Test
	void snappyAndZstdGiveTheSameBytes() {
		byte[] raw = payload(5000);
		assertThat(decompressor.decompress(Encoding.SNAPPY, RemoteWriteRequests.snappy(raw))).isEqualTo(raw);
		assertThat(decompressor.decompress(Encoding.ZSTD, RemoteWriteRequests.zstd(raw))).isEqualTo(raw);
		assertThat(decompressor.decompress(Encoding.ZSTD, RemoteWriteRequests.zstdStreamed(raw))).isEqualTo(raw);
	}

	@Test
	void snappyHeaderDeclaringTooMuchIsRefusedBeforeDecompressing() {
		// varint 2^31-1 as the declared length, then garbage: refused on the header alone
		byte[] body = { (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07, 1, 2, 3 };
		assertStatus(() -> decompressor.decompress(Encoding.SNAPPY, body), HttpStatus.PAYLOAD_TOO_LARGE);
		byte[] justOver = RemoteWriteRequests.snappy(new byte[10_001]);
		assertStatus(() -> decompressor.decompress(Encoding.SNAPPY, justOver), HttpStatus.PAYLOAD_TOO_LARGE);
		assertThat(decompressor.decompress(Encoding.SNAPPY, RemoteWriteRequests.snappy(new byte[10_000]))).hasSize(10_000);
	}

	@Test
	void zstdFrameDeclaringTooMuchIsRefused() {
		byte[] body = RemoteWriteRequests.zstd(new byte[10_001]);
		assertThat(Zstd.getFrameContentSize(body)).isEqualTo(10_001);
		assertStatus(() -> decompressor.decompress(Encoding.ZSTD, body), HttpStatus.PAYLOAD_TOO_LARGE);
	}

	@Test
	void zstdStreamWithoutDeclaredSizeIsCutOffAtTheLimit() {
		byte[] body = RemoteWriteRequests.zstdStreamed(new byte[50_000_000]);
		assertThat(Zstd.getFrameContentSize(body)).isEqualTo(-1);
		assertStatus(() -> decompressor.decompress(Encoding.ZSTD, body), HttpStatus.PAYLOAD_TOO_LARGE);
		assertThat(decompressor.decompress(Encoding.ZSTD, RemoteWriteRequests.zstdStreamed(new byte[10_000]))).hasSize(10_000);
	}

	@Test
	void corruptBodiesAreBadRequests() {
		byte[] raw = payload(5000);
		byte[] snappy = RemoteWriteRequests.snappy(raw);
		byte[] truncated = Arrays.copyOf(snappy, snappy.length / 2);
		assertStatus(() -> decompressor.decompress(Encoding.SNAPPY, truncated), HttpStatus.BAD_REQUEST);
		assertStatus(() -> decompressor.decompress(Encoding.ZSTD, snappy), HttpStatus.BAD_REQUEST);
		byte[] zstd = RemoteWriteRequests.zstd(raw);
		assertStatus(() -> decompressor.decompress(Encoding.ZSTD, Arrays.copyOf(zstd, zstd.length / 2)),
				HttpStatus.BAD_REQUEST);
		assertStatus(() -> decompressor.decompress(Encoding.SNAPPY, new byte[0]), HttpStatus.BAD_REQUEST);
	}

	@Test
	void compressedBodyLimit() throws IOException {
		assertStatus(() -> decompressor.readBody(new ByteArrayInputStream(new byte[0]), 1001), HttpStatus.PAYLOAD_TOO_LARGE);
		assertStatus(() -> decompressor.readBody(new ByteArrayInputStream(new byte[1001]), -1), HttpStatus.PAYLOAD_TOO_LARGE);
		assertThat(decompressor.readBody(new ByteArrayInputStream(new byte[1000]), -1)).hasSize(1000);
		assertThat(decompressor.readBody(new ByteArrayInputStream(new byte[1000]), 1000)).hasSize(1000);
		assertStatus(() -> decompressor.readBody(new ByteArrayInputStream(new byte[10]), 20), HttpStatus.BAD_REQUEST);
	}

	interface Action {

		void run() throws IOException;

	}

	private static void assertStatus(Action action, HttpStatus status) {
		assertThatThrownBy(action::run).isInstanceOfSatisfying(IngestException.class,
				e -> assertThat(e.status()).isEqualTo(status));
	}

}
