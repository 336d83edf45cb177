package network.manifest.metrics.ingest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

import org.xerial.snappy.Snappy;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdInputStream;

/**
 * Reads a request body and decompresses it within the configured limits. A size a body declares (the
 * Content-Length, the snappy header, the zstd frame header) is checked BEFORE anything of that size is
 * allocated; streams without a declared size are cut off as soon as they pass the limit.
 */
final class PayloadDecompressor {

	private final long maxCompressed;

	private final long maxDecompressed;

	PayloadDecompressor(long maxCompressed, long maxDecompressed) {
		this.maxCompressed = Math.min(maxCompressed, Integer.MAX_VALUE - 16);
		this.maxDecompressed = Math.min(maxDecompressed, Integer.MAX_VALUE - 16);
	}

	/** The compressed body, at most the limit; {@code contentLength} is -1 when unknown. */
	byte[] readBody(InputStream in, long contentLength) throws IOException {
		if (contentLength > maxCompressed) {
			throw tooLarge("body", contentLength, maxCompressed);
		}
		if (contentLength >= 0) {
			byte[] body = in.readNBytes((int) contentLength);
			if (body.length < contentLength) {
				throw IngestException.malformed("body shorter than its Content-Length");
			}
			return body;
		}
		return readBounded(in, 64 * 1024, maxCompressed, "body");
	}

	byte[] decompress(RemoteWriteFormat.Encoding encoding, byte[] body) {
		return switch (encoding) {
			case SNAPPY -> snappy(body);
			case ZSTD -> zstd(body);
		};
	}

	private byte[] snappy(byte[] body) {
		int declared;
		try {
			declared = Snappy.uncompressedLength(body);
		}
		catch (IOException | RuntimeException e) {
			throw IngestException.malformed("body is not snappy block-compressed: " + e.getMessage(), e);
		}
		if (declared < 0 || declared > maxDecompressed) {
			throw tooLarge("declared uncompressed size", Integer.toUnsignedLong(declared), maxDecompressed);
		}
		byte[] out = new byte[declared];
		try {
			int n = Snappy.uncompress(body, 0, body.length, out, 0);
			if (n != declared) {
				throw IngestException.malformed("snappy body decompressed to " + n + " bytes, header said " + declared);
			}
		}
		catch (IOException | RuntimeException e) {
			if (e instanceof IngestException ie) {
				throw ie;
			}
			throw IngestException.malformed("corrupt snappy body: " + e.getMessage(), e);
		}
		return out;
	}

	private byte[] zstd(byte[] body) {
		long declared;
		try {
			declared = Zstd.getFrameContentSize(body);
		}
		catch (RuntimeException e) {
			throw IngestException.malformed("body is not zstd-compressed: " + e.getMessage(), e);
		}
		// -1: the frame does not declare its size (streamed; bounded below); below -1: not a frame.
		if (declared > maxDecompressed) {
			throw tooLarge("declared uncompressed size", declared, maxDecompressed);
		}
		if (declared < -1) {
			throw IngestException.malformed("body is not a zstd frame");
		}
		int initial = (int) Math.min(maxDecompressed, declared >= 0 ? declared : Math.max(64 * 1024, 4L * body.length));
		try (InputStream in = new ZstdInputStream(new ByteArrayInputStream(body))) {
			return readBounded(in, initial, maxDecompressed, "uncompressed body");
		}
		catch (IOException e) {
			throw IngestException.malformed("corrupt zstd body: " + e.getMessage(), e);
		}
	}

	/** Reads a stream fully, failing with 413 as soon as it passes {@code limit}. */
	private static byte[] readBounded(InputStream in, int initial, long limit, String what) throws IOException {
		byte[] buf = new byte[(int) Math.max(1, Math.min(initial, limit))];
		int len = 0;
		while (true) {
			if (len == buf.length) {
				if (len >= limit) {
					if (in.read() < 0) {
						return buf;
					}
					throw tooLarge(what, len + 1L, limit);
				}
				buf = Arrays.copyOf(buf, (int) Math.min(limit, Math.max(2L * buf.length, 1024)));
			}
			int n = in.read(buf, len, buf.length - len);
			if (n < 0) {
				return len == buf.length ? buf : Arrays.copyOf(buf, len);
			}
			len += n;
		}
	}

	private static IngestException tooLarge(String what, long size, long limit) {
		return IngestException.tooLarge(what + " of " + size + " bytes exceeds the limit of " + limit + " bytes");
	}

}
