package network.manifest.metrics.ingest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The old pipeline's series id (Telegraf outputs.postgresql, {@code tags_as_foreign_keys}): FNV-1a 64-bit
 * over the tags sorted by key bytes, each as key, 0, value, 0; the unsigned result read as a signed
 * {@code bigint}. Keeping it means a series keeps its {@code tag_id} across the switch, so re-sent data
 * deduplicates instead of being counted twice.
 */
final class TagSetHasher {

	private static final long OFFSET_BASIS = 0xcbf29ce484222325L;

	private static final long PRIME = 0x100000001b3L;

	private static final Comparator<byte[][]> BY_KEY_BYTES = (a, b) -> Arrays.compareUnsigned(a[0], b[0]);

	private TagSetHasher() {
	}

	static long hash(Map<String, String> tags) {
		List<byte[][]> entries = new ArrayList<>(tags.size());
		tags.forEach((k, v) -> entries
			.add(new byte[][] { k.getBytes(StandardCharsets.UTF_8), v.getBytes(StandardCharsets.UTF_8) }));
		entries.sort(BY_KEY_BYTES);
		long h = OFFSET_BASIS;
		for (byte[][] entry : entries) {
			h = update(h, entry[0]);
			h = (h ^ 0) * PRIME;
			h = update(h, entry[1]);
			h = (h ^ 0) * PRIME;
		}
		return h;
	}

	private static long update(long h, byte[] bytes) {
		for (byte b : bytes) {
			h ^= (b & 0xff);
			h *= PRIME;
		}
		return h;
	}

}
