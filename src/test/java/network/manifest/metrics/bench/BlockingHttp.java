package network.manifest.metrics.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.zip.GZIPInputStream;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdInputStream;

/**
 * The benchmark's HTTP client: HTTP/1.1 over kept-alive sockets, blocking on the calling thread, as lean
 * as the JDBC floor's client and as curl: one write of the request, the answer read to its
 * {@code Content-Length}. It shares 2 cores with the service and the database, so its CPU time would
 * count against the service: java.net.http.HttpClient hands every exchange to its selector and executor
 * threads (it cost more CPU per API call than the service itself), and HttpURLConnection parses the URL,
 * asks the proxy selector and builds header maps for every request (this client needs about 40% less CPU per call).
 */
final class BlockingHttp {

	private static final int READ_TIMEOUT_MS = 300_000;

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

	/** Idle kept-alive connections, reused by whichever benchmark thread calls next. */
	private static final ConcurrentLinkedDeque<Connection> IDLE = new ConcurrentLinkedDeque<>();

	private BlockingHttp() {
	}

	/** A decoded body and the {@code Content-Encoding} it came in (null: none). */
	record Answer(byte[] body, String coding) {
	}

	/**
	 * GET as a dashboard does, with the given {@code Accept-Encoding}, and {@code Cache-Control: no-cache}, so
	 * the gateway answers from the database (the uncached path); the decoded answer of a 200.
	 */
	static Answer get(URI uri, String acceptEncoding) throws IOException {
		Response response = exchange(uri, "GET", Map.of("Accept", "application/json", "Accept-Encoding", acceptEncoding,
				"Cache-Control", "no-cache"), null);
		return new Answer(checked(response, "GET " + uri, 200), response.coding());
	}

	/** The same GET without {@code Cache-Control}: answered from the gateway's result cache when it can. */
	static Answer getCached(URI uri, String acceptEncoding) throws IOException {
		Response response = exchange(uri, "GET", Map.of("Accept", "application/json", "Accept-Encoding", acceptEncoding),
				null);
		return new Answer(checked(response, "GET " + uri, 200), response.coding());
	}

	/** POST of a body with the given headers; the body of the expected answer. */
	static byte[] post(URI uri, Map<String, String> headers, byte[] body, int expectedStatus) throws IOException {
		return checked(exchange(uri, "POST", headers, body), "POST " + uri, expectedStatus);
	}

	private static byte[] checked(Response response, String call, int expectedStatus) throws IOException {
		byte[] body = decode(response.coding(), response.body());
		if (response.status() != expectedStatus) {
			throw new IllegalStateException(
					call + " answered " + response.status() + ": " + new String(body, StandardCharsets.UTF_8));
		}
		return body;
	}

	/** @param body the request body, null for none */
	private static Response exchange(URI uri, String method, Map<String, String> headers, byte[] body)
			throws IOException {
		byte[] head = requestHead(uri, method, headers, body);
		Connection connection = IDLE.pollFirst();
		if (connection != null && connection.matches(uri)) {
			try {
				return connection.exchange(head, body);
			}
			catch (StaleConnection e) {
				// the server closed this idle connection (keep-alive timeout) before it read the request:
				// send it again on a new one, as every HTTP client does
				connection.close();
			}
		}
		else if (connection != null) {
			connection.close();
		}
		return new Connection(uri).exchange(head, body);
	}

	private static byte[] requestHead(URI uri, String method, Map<String, String> headers, byte[] body) {
		StringBuilder head = new StringBuilder(256).append(method).append(' ').append(uri.getRawPath());
		if (uri.getRawQuery() != null) {
			head.append('?').append(uri.getRawQuery());
		}
		head.append(" HTTP/1.1\r\nHost: ").append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n");
		headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
		if (body != null) {
			head.append("Content-Length: ").append(body.length).append("\r\n");
		}
		return head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
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

	/** A status, the {@code Content-Encoding} (null: none) and the body as received. */
	private record Response(int status, String coding, byte[] body) {
	}

	/** Nothing of an answer arrived on a reused connection. */
	private static final class StaleConnection extends IOException {

		StaleConnection(IOException cause) {
			super(cause);
		}

	}

	/** One kept-alive socket. */
	private static final class Connection {

		private final String host;

		private final int port;

		private final Socket socket;

		private final InputStream in;

		private final OutputStream out;

		private boolean used;

		Connection(URI uri) throws IOException {
			host = uri.getHost();
			port = uri.getPort();
			socket = new Socket();
			socket.setTcpNoDelay(true);
			socket.connect(new InetSocketAddress(host, port));
			socket.setSoTimeout(READ_TIMEOUT_MS);
			in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
			out = socket.getOutputStream();
		}

		boolean matches(URI uri) {
			return host.equals(uri.getHost()) && port == uri.getPort();
		}

		Response exchange(byte[] head, byte[] body) throws IOException {
			boolean reused = used;
			used = true;
			String statusLine;
			try {
				out.write(head);
				if (body != null) {
					out.write(body);
				}
				out.flush();
				statusLine = line();
			}
			catch (SocketTimeoutException e) {
				// the service took too long: not a closed idle connection, and not to be asked again
				close();
				throw e;
			}
			catch (IOException e) {
				close();
				throw reused ? new StaleConnection(e) : e;
			}
			try {
				return rest(statusLine);
			}
			catch (IOException | RuntimeException e) {
				close();
				throw e;
			}
		}

		/** Headers and body after the status line; the connection goes back to the idle ones if kept alive. */
		private Response rest(String statusLine) throws IOException {
			if (!statusLine.startsWith("HTTP/1.1 ") || statusLine.length() < 12) {
				throw new IOException("not an HTTP/1.1 status line: " + statusLine);
			}
			int status = Integer.parseInt(statusLine.substring(9, 12));
			long length = -1;
			String coding = null;
			boolean keepAlive = true;
			for (String header = line(); !header.isEmpty(); header = line()) {
				int colon = header.indexOf(':');
				String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
				String value = header.substring(colon + 1).trim();
				switch (name) {
					case "content-length" -> length = Long.parseLong(value);
					case "content-encoding" -> coding = value;
					case "connection" -> keepAlive = !value.equalsIgnoreCase("close");
					case "transfer-encoding" -> throw new IOException("chunked answers are not read: " + statusLine);
					default -> {
					}
				}
			}
			if (length < 0 && status != 204 && status != 304) {
				throw new IOException("answer without Content-Length: " + statusLine);
			}
			byte[] body = length <= 0 ? new byte[0] : in.readNBytes(Math.toIntExact(length));
			if (body.length < length) {
				throw new EOFException("answer ended after " + body.length + " of " + length + " bytes");
			}
			if (keepAlive) {
				IDLE.addFirst(this);
			}
			else {
				close();
			}
			return new Response(status, coding, body);
		}

		/** One header line without its CRLF (ISO-8859-1, as HTTP headers are). */
		private String line() throws IOException {
			StringBuilder line = new StringBuilder(64);
			for (int b = in.read(); b != '\n'; b = in.read()) {
				if (b < 0) {
					throw new EOFException("connection closed in an answer's head");
				}
				if (b != '\r') {
					line.append((char) b);
				}
			}
			return line.toString();
		}

		void close() {
			try {
				socket.close();
			}
			catch (IOException e) {
				// nothing was pending on it
			}
		}

	}

}
