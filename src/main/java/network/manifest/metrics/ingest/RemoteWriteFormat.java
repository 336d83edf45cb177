package network.manifest.metrics.ingest;

import java.util.Locale;

import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;

/**
 * Which remote-write protocol and compression a request uses, read from its headers alone, so an
 * unsupported request is refused (415) before its body is read.
 */
record RemoteWriteFormat(Version version, Encoding encoding) {

	enum Version {

		/** prometheus.WriteRequest (remote write 1.0). */
		V1,
		/** io.prometheus.write.v2.Request (remote write 2.0). */
		V2

	}

	enum Encoding {

		SNAPPY, ZSTD

	}

	private static final MediaType PROTOBUF = MediaType.parseMediaType("application/x-protobuf");

	static RemoteWriteFormat of(String contentType, String contentEncoding) {
		return new RemoteWriteFormat(version(contentType), encoding(contentEncoding));
	}

	private static Version version(String contentType) {
		if (contentType == null || contentType.isBlank()) {
			return Version.V1;
		}
		MediaType type;
		try {
			type = MediaType.parseMediaType(contentType);
		}
		catch (InvalidMediaTypeException e) {
			throw IngestException.unsupported("Content-Type '" + contentType + "' cannot be parsed");
		}
		if (!PROTOBUF.equalsTypeAndSubtype(type)) {
			throw IngestException.unsupported("Content-Type must be application/x-protobuf, got '" + contentType + "'");
		}
		String proto = type.getParameter("proto");
		if (proto == null || proto.equals("prometheus.WriteRequest")) {
			return Version.V1;
		}
		if (proto.equals("io.prometheus.write.v2.Request")) {
			return Version.V2;
		}
		throw IngestException.unsupported("unsupported protobuf message proto=" + proto
				+ " (supported: prometheus.WriteRequest, io.prometheus.write.v2.Request)");
	}

	private static Encoding encoding(String contentEncoding) {
		if (contentEncoding == null || contentEncoding.isBlank()) {
			return Encoding.SNAPPY;
		}
		return switch (contentEncoding.trim().toLowerCase(Locale.ROOT)) {
			case "snappy" -> Encoding.SNAPPY;
			case "zstd" -> Encoding.ZSTD;
			default -> throw IngestException
				.unsupported("unsupported Content-Encoding '" + contentEncoding + "' (supported: snappy, zstd)");
		};
	}

}
