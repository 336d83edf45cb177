package network.manifest.metrics.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdInputStream;

/**
 * The benchmark's HTTP client: blocking, on the calling thread, with keep-alive (HttpURLConnection), as
 * lean as the JDBC floor's client. java.net.http.HttpClient hands every exchange to its selector and
 * executor threads; measured on 2 cores that the service and the database share, it cost more CPU per
 * API call than the service itself, and the comparison with the floor is about the service.
 */
final class BlockingHttp {

	static {
		// keep one idle connection per benchmark thread (the default keeps 5 per host, so a ninth
		// concurrent caller would open a new TCP connection for every call)
		System.setProperty("http.maxConnections", "64");
	}

	/**
	 * Compressed bytes inflated per call: GZIPInputStream's default of 512 makes one native inflate call
	 * per 512 bytes, which on the API's answers cost the client about half as much CPU as compressing them
	 * cost the service.
	 */
	private static final int GUNZIP_BUFFER = 16 * 1024;

	/**
	 * One zstd context per benchmark thread, as a long-lived client keeps one: creating a context per answer
	 * was half of the decoding time, CPU that the client took from the service on the machine they share.
	 */
	private static final ThreadLocal<ZstdDecompressCtx> ZSTD = ThreadLocal.withInitial(ZstdDecompressCtx::new);

	private BlockingHttp() {
	}

	/** A decoded body and the {@code Content-Encoding} it came in (null: none). */
	record Answer(byte[] body, String coding) {
	}

	/** GET as a dashboard does, with the given {@code Accept-Encoding}; the decoded answer of a 200. */
	static Answer get(URI uri, String acceptEncoding) throws IOException {
		HttpURLConnection connection = open(uri, Map.of("Accept", "application/json", "Accept-Encoding", acceptEncoding));
		byte[] body = answer(connection, "GET " + uri, 200);
		return new Answer(body, connection.getContentEncoding());
	}

	/** POST of a body with the given headers; the body of the expected answer. */
	static byte[] post(URI uri, Map<String, String> headers, byte[] body, int expectedStatus) throws IOException {
		HttpURLConnection connection = open(uri, headers);
		connection.setDoOutput(true);
		connection.setFixedLengthStreamingMode(body.length);
		try (OutputStream out = connection.getOutputStream()) {
			out.write(body);
		}
		return answer(connection, "POST " + uri, expectedStatus);
	}

	private static HttpURLConnection open(URI uri, Map<String, String> headers) throws IOException {
		HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
		connection.setConnectTimeout(10_000);
		connection.setReadTimeout(300_000);
		headers.forEach(connection::setRequestProperty);
		return connection;
	}

	private static byte[] answer(HttpURLConnection connection, String call, int expectedStatus) throws IOException {
		int status = connection.getResponseCode();
		byte[] body;
		InputStream raw = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
		if (raw == null) {
			body = new byte[0];
		}
		else {
			try (raw) {
				// read to the end: the connection then goes back to the keep-alive cache
				body = decode(connection.getContentEncoding(), raw.readAllBytes());
			}
		}
		if (status != expectedStatus) {
			throw new IllegalStateException(call + " answered " + status + ": " + new String(body, StandardCharsets.UTF_8));
		}
		return body;
	}

	/** The body as sent before the service compressed it, as curl or a browser decodes it. */
	private static byte[] decode(String coding, byte[] body) throws IOException {
		if ("gzip".equals(coding)) {
			try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body), GUNZIP_BUFFER)) {
				return in.readAllBytes();
			}
		}
		if ("zstd".equals(coding)) {
			long size = Zstd.getFrameContentSize(body);
			if (size >= 0 && size <= Integer.MAX_VALUE) {
				return ZSTD.get().decompress(body, (int) size);
			}
			try (InputStream in = new ZstdInputStream(new ByteArrayInputStream(body))) {
				return in.readAllBytes();
			}
		}
		if (coding != null) {
			throw new IOException("unexpected Content-Encoding " + coding);
		}
		return body;
	}

}
