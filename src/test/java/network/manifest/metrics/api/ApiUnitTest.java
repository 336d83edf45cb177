package network.manifest.metrics.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.github.luben.zstd.Zstd;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

/** The parts that need no database: configuration, Accept-Encoding, zstd, the SQLSTATE table, in-lists. */
class ApiUnitTest {

	@Configuration
	@EnableConfigurationProperties(ApiProperties.class)
	static class PropertiesOnly {

	}

	private final ApplicationContextRunner context = new ApplicationContextRunner()
		.withUserConfiguration(PropertiesOnly.class);

	@Test
	void shortSecretStopsTheStartWithAClearMessage() {
		context.withPropertyValues("gateway.api.jwt-secret=too-short").run(started -> {
			assertThat(started).hasFailed();
			assertThat(started.getStartupFailure()).rootCause()
				.hasMessageContaining("gateway.api.jwt-secret must be at least 32 characters");
		});
	}

	@Test
	void defaults() {
		context.run(started -> {
			ApiProperties p = started.getBean(ApiProperties.class);
			assertThat(p.schema()).isEqualTo("api");
			assertThat(p.roles()).containsExactly("web_anon", "writer");
			assertThat(p.anonymousRole()).isEqualTo("web_anon");
			assertThat(p.statementTimeout()).isEqualTo(Duration.ofSeconds(10));
			assertThat(p.jwtConfigured()).isFalse();
			assertThat(p.compression().threshold()).isEqualTo(DataSize.ofKilobytes(1));
			assertThat(p.compression().zstdLevel()).isEqualTo(1);
		});
	}

	@Test
	void withoutSecretTokensAreRefusedAndAnonymousWorks() throws Exception {
		ApiProperties p = new ApiProperties("api", "", null, Duration.ofSeconds(30), List.of("web_anon", "writer"),
				"web_anon", Duration.ofSeconds(10), null, "pgrst", Duration.ofSeconds(5),
				new ApiProperties.Compression(DataSize.ofKilobytes(1), true, true, 3),
				new ApiProperties.Cache(true, DataSize.ofMegabytes(64), 10000, Duration.ofSeconds(5)));
		JwtAuthenticator auth = new JwtAuthenticator(p);
		assertThat(auth.authenticate(null)).isEqualTo(new Caller("web_anon", "{\"role\":\"web_anon\"}", true));
		assertThatThrownBy(() -> auth.authenticate("Bearer " + ApiFixtures.token("writer", null)))
			.isInstanceOfSatisfying(JwtError.class, e -> {
				assertThat(e.status()).isEqualTo(401);
				assertThat(e.code()).isEqualTo("PGRST300");
			});
	}

	@Test
	void acceptEncodingHonoursQValues() {
		List<String> offered = List.of("zstd", "gzip");
		assertThat(AcceptEncoding.choose("gzip, deflate", offered)).isEqualTo("gzip");
		assertThat(AcceptEncoding.choose("gzip, zstd", offered)).isEqualTo("zstd");
		assertThat(AcceptEncoding.choose("zstd;q=0.2, gzip;q=0.8", offered)).isEqualTo("gzip");
		assertThat(AcceptEncoding.choose("*", offered)).isEqualTo("zstd");
		assertThat(AcceptEncoding.choose("*;q=0.5, zstd;q=0", offered)).isEqualTo("gzip");
		assertThat(AcceptEncoding.choose("identity", offered)).isNull();
		assertThat(AcceptEncoding.choose("gzip;q=0", offered)).isNull();
		assertThat(AcceptEncoding.choose(null, offered)).isNull();
	}

	@Test
	void reusedZstdContextsCompressEachBodyOnItsOwn() {
		ZstdCompressor zstd = new ZstdCompressor(1, 1);
		byte[] first = "[{\"value\":\"1\"}]".repeat(200).getBytes(StandardCharsets.UTF_8);
		byte[] second = "[{\"value\":\"2\"}]".repeat(300).getBytes(StandardCharsets.UTF_8);
		// one idle context: the second body reuses the first one's context, the third call a fresh one
		for (byte[] body : List.of(first, second, first)) {
			byte[] frame = zstd.compress(body);
			assertThat(frame.length).isLessThan(body.length / 10);
			// the frame declares its size, so that a client can allocate once
			assertThat(Zstd.getFrameContentSize(frame)).isEqualTo(body.length);
			assertThat(Zstd.decompress(frame, body.length)).isEqualTo(body);
		}
		// closing frees the idle contexts and keeps none of them for later calls
		zstd.close();
		assertThat(Zstd.decompress(zstd.compress(second), second.length)).isEqualTo(second);
	}

	@Test
	void moreConcurrentCallersThanIdleZstdContextsEachGetTheirOwn() throws Exception {
		ZstdCompressor zstd = new ZstdCompressor(1, 2);
		ExecutorService threads = Executors.newFixedThreadPool(8);
		try {
			List<byte[]> bodies = new ArrayList<>();
			List<Future<byte[]>> frames = new ArrayList<>();
			for (int i = 0; i < 64; i++) {
				byte[] body = ("[{\"n\":" + i + "}]").repeat(500 + i).getBytes(StandardCharsets.UTF_8);
				bodies.add(body);
				frames.add(threads.submit(() -> zstd.compress(body)));
			}
			for (int i = 0; i < 64; i++) {
				assertThat(Zstd.decompress(frames.get(i).get(), bodies.get(i).length)).isEqualTo(bodies.get(i));
			}
		}
		finally {
			threads.shutdownNow();
		}
	}

	@Test
	void sqlStateTable() {
		assertThat(SqlStateStatus.of("42501", true)).isEqualTo(401);
		assertThat(SqlStateStatus.of("42501", false)).isEqualTo(403);
		assertThat(SqlStateStatus.of("08006", false)).isEqualTo(503);
		assertThat(SqlStateStatus.of("23505", false)).isEqualTo(409);
		assertThat(SqlStateStatus.of("25006", false)).isEqualTo(405);
		assertThat(SqlStateStatus.of("57014", false)).isEqualTo(500);
		assertThat(SqlStateStatus.of("53300", false)).isEqualTo(503);
		assertThat(SqlStateStatus.of("53400", false)).isEqualTo(500);
		assertThat(SqlStateStatus.of("42883", false)).isEqualTo(404);
		assertThat(SqlStateStatus.of("PT402", false)).isEqualTo(402);
		assertThat(SqlStateStatus.of("22007", false)).isEqualTo(400);
		assertThat(SqlStateStatus.of("XX000", false)).isEqualTo(500);
	}

	@Test
	void inListsHonourQuotes() {
		assertThat(InList.items("(1,2,3)")).containsExactly("1", "2", "3");
		assertThat(InList.items("(\"a,b\",c)")).containsExactly("a,b", "c");
		assertThat(InList.items("()")).isEmpty();
	}

}
