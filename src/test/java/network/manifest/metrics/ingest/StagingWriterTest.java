package network.manifest.metrics.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import network.manifest.metrics.ingest.RemoteWriteFormat.Version;
import network.manifest.metrics.support.GatewayTest;

/**
 * The order in which the writer copies samples into the staging tables. The session's staging table is
 * created here without its flush trigger first (the writer then leaves it as it is), so the copied rows stay
 * in it in the order they came, and the transaction is rolled back.
 */
@GatewayTest
class StagingWriterTest {

	@Autowired
	DataSource dataSource;

	private final SeriesRouter router = new SeriesRouter(SeriesRouterTest.defaults());

	@Test
	void samplesAreCopiedByTimeThenTagIdAcrossSeries() throws SQLException {
		RemoteWriteRequests request = RemoteWriteRequests.request();
		request.series("writer_order", "instance", "b").sample(3000, 1).sample(1000, 2).sample(2000, 3);
		request.series("writer_order", "instance", "a").sample(2000, 4).sample(1000, 5);
		request.series("writer_order", "instance", "c").sample(1500, 6);
		WritePlan plan = plan(request);
		Map<String, Long> tagIds = tagIdsByInstance(plan);
		long a = tagIds.get("a");
		long b = tagIds.get("b");
		long c = tagIds.get("c");

		List<String> expected = new ArrayList<>();
		expected.add(1000 + "|" + Math.min(a, b));
		expected.add(1000 + "|" + Math.max(a, b));
		expected.add(1500 + "|" + c);
		expected.add(2000 + "|" + Math.min(a, b));
		expected.add(2000 + "|" + Math.max(a, b));
		expected.add(3000 + "|" + b);
		assertThat(copiedRows(plan)).containsExactlyElementsOf(expected);
	}

	@Test
	void aRequestAboveTheMergeLimitIsCopiedSeriesAfterSeries() throws SQLException {
		int perSeries = StagingWriter.MERGED_ROWS / 2 + 1;
		RemoteWriteRequests request = RemoteWriteRequests.request();
		RemoteWriteRequests.TestSeries first = request.series("writer_order_large", "instance", "a");
		RemoteWriteRequests.TestSeries second = request.series("writer_order_large", "instance", "b");
		for (int i = 0; i < perSeries; i++) {
			first.sample(i * 1000L, i);
			second.sample(i * 1000L, i);
		}
		WritePlan plan = plan(request);
		assertThat(plan.rows()).isGreaterThan(StagingWriter.MERGED_ROWS);
		long firstTag = Math.min(plan.series().get(0).tagId(), plan.series().get(1).tagId());

		List<String> rows = copiedRows(plan);
		assertThat(rows).hasSize(2 * perSeries);
		// all of the first series (in tag_id order), each by time, then all of the second
		assertThat(rows.get(0)).isEqualTo("0|" + firstTag);
		assertThat(rows.get(perSeries - 1)).isEqualTo((perSeries - 1) * 1000L + "|" + firstTag);
		assertThat(rows.get(perSeries)).startsWith("0|").doesNotEndWith("|" + firstTag);
	}

	private WritePlan plan(RemoteWriteRequests request) {
		return WritePlan.of(RemoteWriteDecoder.decode(Version.V1, request.v1().toByteArray()), router);
	}

	private static Map<String, Long> tagIdsByInstance(WritePlan plan) {
		return plan.series().stream().collect(Collectors.toMap(s -> s.tag().instance(), RoutedSeries::tagId,
				(x, y) -> x));
	}

	/** "epoch millis|tag_id" of each row the writer copied into the internal staging table, in copy order. */
	private List<String> copiedRows(WritePlan plan) throws SQLException {
		try (Connection connection = dataSource.getConnection()) {
			connection.setAutoCommit(false);
			try (Statement st = connection.createStatement()) {
				st.execute("CREATE TEMPORARY TABLE staged_internal_samples (LIKE internal.prometheus_remote_write) "
						+ "ON COMMIT DROP");
				StagingWriter.Copied copied = new StagingWriter(8192).writeSamples(connection, plan);
				assertThat(copied.internal()).isEqualTo(plan.rows());
				List<String> rows = new ArrayList<>();
				try (ResultSet rs = st.executeQuery("SELECT (extract(epoch FROM time) * 1000)::bigint, tag_id "
						+ "FROM pg_temp.staged_internal_samples ORDER BY ctid")) {
					while (rs.next()) {
						rows.add(rs.getLong(1) + "|" + rs.getLong(2));
					}
				}
				return rows;
			}
			finally {
				connection.rollback();
			}
		}
	}

}
