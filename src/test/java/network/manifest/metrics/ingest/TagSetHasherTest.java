package network.manifest.metrics.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The worked examples of PROTOCOLS.md: the ids the old pipeline stored. */
class TagSetHasherTest {

	@Test
	void emptyTagSetIsTheOffsetBasis() {
		assertThat(TagSetHasher.hash(Map.of())).isEqualTo(-3750763034362895579L);
	}

	@Test
	void twoTags() {
		assertThat(TagSetHasher.hash(Map.of("host", "a", "job", "b"))).isEqualTo(8476072002785769111L);
	}

	@Test
	void unlabelledSeriesWithDefaultHost() {
		assertThat(TagSetHasher.hash(Map.of("host", "telegraf", "tli_name", "node_count")))
			.isEqualTo(804369045075984134L);
	}

	@Test
	void lockedTokensSeriesGivenInAnyOrder() {
		Map<String, String> tags = new LinkedHashMap<>();
		tags.put("tli_name", "locked_tokens");
		tags.put("source", "postgres");
		tags.put("manifest_tier", "testnet");
		tags.put("manifest_chain", "manifest-ledger-testnet");
		tags.put("instance", "foobar:443");
		tags.put("host", "telegraf");
		tags.put("denom", "umfx");
		tags.put("amount", "12000000");
		assertThat(TagSetHasher.hash(tags)).isEqualTo(-5881126419995477995L);
	}

	@Test
	void keysSortByUtf8BytesNotUtf16Units() {
		// U+1F600 (surrogates D83D DE00) sorts before U+FF21 in UTF-16 units, after it in UTF-8 bytes;
		// Go sorts the bytes.
		String bmpHigh = "\uFF21";
		String astral = "\uD83D\uDE00";
		long h = TagSetHasher.hash(Map.of(bmpHigh, "x", astral, "y"));
		// UTF-8: EF BC A1 < F0 9F 98 80, so bmpHigh is hashed first
		assertThat(h).isEqualTo(manual(new String[][] { { bmpHigh, "x" }, { astral, "y" } }));
		assertThat(h).isNotEqualTo(manual(new String[][] { { astral, "y" }, { bmpHigh, "x" } }));
	}

	private static long manual(String[][] ordered) {
		long h = 0xcbf29ce484222325L;
		for (String[] kv : ordered) {
			for (String part : kv) {
				for (byte b : part.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
					h = (h ^ (b & 0xff)) * 0x100000001b3L;
				}
				h *= 0x100000001b3L;
			}
		}
		return h;
	}

}
