package network.manifest.metrics.ingest;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The ingest's own row encoding, opened to other test packages (the benchmark's COPY floor must load
 * exactly the rows the service stores: the same {@code tag_id} and the same decimal text).
 */
public final class IngestEncoding {

	private IngestEncoding() {
	}

	/** The {@code tag_id} of a series sent with these labels ({@code __name__} included) and host tag. */
	public static long tagId(Map<String, String> labels, String hostTag) {
		Map<String, String> tags = new HashMap<>(labels);
		String name = tags.remove(SeriesRouter.NAME_LABEL).toLowerCase(Locale.ROOT);
		tags.putIfAbsent("host", hostTag);
		tags.put("tli_name", name);
		return TagSetHasher.hash(tags);
	}

	/** The exact decimal the service stores for a sample value. */
	public static String decimal(double value) {
		return SampleValues.toDecimalText(value);
	}

}
