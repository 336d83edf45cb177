package network.manifest.metrics.support;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

import network.manifest.metrics.MetricsGatewayApplication;

/**
 * The real PostgreSQL the tests run against.
 *
 * <p>With {@code TEST_DATABASE_URL} (an admin JDBC URL such as
 * {@code jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres&password=secret}) each test JVM creates
 * fresh databases on that server and drops them when it exits. Without it, a TimescaleDB container
 * (PostgreSQL 17) is started with Testcontainers. With neither, the tests fail at once: a run that
 * silently skipped its database tests would prove nothing.
 */
public final class TestDatabase {

	public static final String ENV = "TEST_DATABASE_URL";

	private static final String IMAGE = "timescale/timescaledb:latest-pg17";

	private static Server server;

	private static Database shared;

	private TestDatabase() {
	}

	/** One database per test JVM, migrated by the first application context that uses it. */
	public static synchronized Database shared() {
		if (shared == null) {
			shared = create();
		}
		return shared;
	}

	/** A new, empty database (for tests that need a clean slate, e.g. migrating from nothing). */
	public static synchronized Database create() {
		Server s = server();
		String name = "gateway_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
		s.execute("CREATE DATABASE " + name);
		s.created.add(name);
		return new Database(s.urlFor(name), s.user, s.password, name);
	}

	private static Server server() {
		if (server == null) {
			String url = System.getenv(ENV);
			server = (url != null && !url.isBlank()) ? Server.fromUrl(url.trim()) : Server.fromContainer();
			Runtime.getRuntime().addShutdownHook(new Thread(server::dropCreated, "drop-test-databases"));
		}
		return server;
	}

	/** Connection details of one test database. */
	public record Database(String jdbcUrl, String user, String password, String name) {

		public Connection connect() throws SQLException {
			return DriverManager.getConnection(jdbcUrl, user, password);
		}

		/** The Spring properties ({@code name=value}) that point an application's data source here. */
		public List<String> dataSourceProperties() {
			return List.of("spring.datasource.url=" + jdbcUrl, "spring.datasource.username=" + user,
					"spring.datasource.password=" + password);
		}

		/**
		 * The whole application on a random port against this database. Settings are passed as command-line
		 * arguments because those rank above application.yml's environment defaults; {@code extraArguments}
		 * ({@code --name=value}) come last and win.
		 */
		public ConfigurableApplicationContext startApplication(String... extraArguments) {
			List<String> args = new ArrayList<>();
			args.add("--server.port=0");
			dataSourceProperties().forEach(p -> args.add("--" + p));
			args.addAll(List.of(extraArguments));
			return new SpringApplicationBuilder(MetricsGatewayApplication.class).run(args.toArray(String[]::new));
		}

	}

	private static final class Server {

		private final String adminUrl;

		private final String user;

		private final String password;

		private final List<String> created = new ArrayList<>();

		private Server(String adminUrl, String user, String password) {
			this.adminUrl = adminUrl;
			this.user = user;
			this.password = password;
		}

		static Server fromUrl(String url) {
			if (!url.startsWith("jdbc:postgresql://")) {
				throw new IllegalStateException(ENV + " must be a JDBC URL like "
						+ "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres&password=secret, got: " + url);
			}
			Properties props = org.postgresql.Driver.parseURL(url, new Properties());
			if (props == null) {
				throw new IllegalStateException(ENV + " is not a valid PostgreSQL JDBC URL: " + url);
			}
			return new Server(url, props.getProperty("user"), props.getProperty("password"));
		}

		@SuppressWarnings("resource") // stopped by Testcontainers' Ryuk when the JVM exits
		static Server fromContainer() {
			if (!DockerClientFactory.instance().isDockerAvailable()) {
				throw new IllegalStateException("No test database. Either set " + ENV
						+ " to an admin JDBC URL of a PostgreSQL 15+ server, e.g. "
						+ "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres&password=secret "
						+ "(the tests create and drop their own databases), or start Docker so that "
						+ "Testcontainers can run " + IMAGE + ". `bash .ci/run` does the former on Debian.");
			}
			PostgreSQLContainer<?> container = new PostgreSQLContainer<>(
					DockerImageName.parse(IMAGE).asCompatibleSubstituteFor("postgres"));
			container.start();
			return new Server(container.getJdbcUrl(), container.getUsername(), container.getPassword());
		}

		/** The admin URL with its database name replaced. */
		String urlFor(String database) {
			URI uri = URI.create(adminUrl.substring("jdbc:".length()));
			String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
			String scheme = uri.getScheme();
			return "jdbc:" + scheme + "://" + uri.getRawAuthority() + "/" + database + query;
		}

		void execute(String sql) {
			try (Connection c = DriverManager.getConnection(adminUrl, user, password);
					Statement st = c.createStatement()) {
				st.execute(sql);
			}
			catch (SQLException e) {
				throw new IllegalStateException("Test database server at " + adminUrl.replaceAll("password=[^&]*", "password=***")
						+ " refused: " + sql + ": " + e.getMessage(), e);
			}
		}

		void dropCreated() {
			for (String name : created) {
				try {
					execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
				}
				catch (RuntimeException e) {
					System.err.println("could not drop test database " + name + ": " + e.getMessage());
				}
			}
		}

	}

}
