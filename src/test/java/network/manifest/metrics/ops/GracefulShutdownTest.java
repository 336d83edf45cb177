package network.manifest.metrics.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import network.manifest.metrics.support.RemoteWriteProbe;
import network.manifest.metrics.support.TestDatabase;

/**
 * A remote write that is in progress when the service is told to stop is finished, committed and
 * acknowledged before the process goes away; new connections are refused meanwhile. The write is held
 * in flight by a lock the test owns on the raw table, released only once the server has stopped
 * accepting connections.
 */
class GracefulShutdownTest {

	@Test
	void aWriteInFlightAtShutdownIsCommittedAndAcknowledged() throws Exception {
		TestDatabase.Database db = TestDatabase.create();
		ConfigurableApplicationContext app = db.startApplication();
		int port = ((WebServerApplicationContext) app).getWebServer().getPort();
		HttpClient client = HttpClient.newHttpClient();

		CompletableFuture<HttpResponse<String>> write;
		CompletableFuture<Void> shutdown;
		try (Connection blocker = db.connect()) {
			blocker.setAutoCommit(false);
			try (Statement st = blocker.createStatement()) {
				st.execute("LOCK TABLE internal.prometheus_remote_write IN EXCLUSIVE MODE");
			}
			write = client.sendAsync(RemoteWriteProbe.request(port, "graceful_shutdown_probe"),
					HttpResponse.BodyHandlers.ofString());
			await().atMost(Duration.ofSeconds(30)).until(() -> writersWaitingForTheLock(db) > 0);

			shutdown = CompletableFuture.runAsync(app::close);
			await().atMost(Duration.ofSeconds(30)).until(() -> refusesConnections(port));
			assertThat(write).as("the write is still held by the lock").isNotDone();

			blocker.rollback();
		}

		HttpResponse<String> response = write.get(60, TimeUnit.SECONDS);
		shutdown.get(60, TimeUnit.SECONDS);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(204);
		assertThat(app.isActive()).isFalse();
		assertThat(RemoteWriteProbe.storedRows(db, "graceful_shutdown_probe")).as("the acknowledged sample is stored")
			.isEqualTo(1);
		assertThatThrownBy(() -> new Socket().connect(new InetSocketAddress("127.0.0.1", port), 1000))
			.isInstanceOf(ConnectException.class);
	}

	private static long writersWaitingForTheLock(TestDatabase.Database db) throws SQLException {
		try (Connection c = db.connect(); Statement st = c.createStatement();
				ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
						+ " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()")) {
			rs.next();
			return rs.getLong(1);
		}
	}

	private static boolean refusesConnections(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
			return false;
		}
		catch (IOException refused) {
			return true;
		}
	}

}
