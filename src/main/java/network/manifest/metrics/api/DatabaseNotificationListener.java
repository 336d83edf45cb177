package network.manifest.metrics.api;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The API's two channels, on a dedicated connection outside the pool:
 * <ul>
 * <li>{@code NOTIFY pgrst, 'reload schema'} (or an empty payload) reloads the catalog, as PostgREST does, so a
 * migration can end with that statement and its functions appear without a restart;</li>
 * <li>{@value #DATA_CHANNEL}, sent at the commit of every change to the data (R__5_data_change_notifications.sql),
 * drops the cached answers.</li>
 * </ul>
 * After losing the connection it reconnects and reloads once, since notifications sent meanwhile are lost;
 * the cache stays off while it is disconnected.
 */
@Component
class DatabaseNotificationListener implements SmartLifecycle {

	static final String DATA_CHANNEL = "gateway_data_changed";

	private static final Logger log = LoggerFactory.getLogger(DatabaseNotificationListener.class);

	private static final int POLL_MILLIS = 500;

	private final ApiCatalogService catalogs;

	private final DataSourceProperties dataSource;

	private final ApiProperties properties;

	private final RpcResultCache cache;

	private volatile boolean running;

	private Thread thread;

	DatabaseNotificationListener(ApiCatalogService catalogs, DataSourceProperties dataSource, ApiProperties properties,
			RpcResultCache cache) {
		this.catalogs = catalogs;
		this.dataSource = dataSource;
		this.properties = properties;
		this.cache = cache;
	}

	@Override
	public synchronized void start() {
		running = true;
		thread = new Thread(this::listen, "api-catalog-listener");
		thread.setDaemon(true);
		thread.start();
	}

	@Override
	public synchronized void stop() {
		running = false;
		if (thread != null) {
			thread.interrupt();
			try {
				thread.join(POLL_MILLIS * 4L);
			}
			catch (InterruptedException e) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public boolean isRunning() {
		return running;
	}

	private void listen() {
		boolean first = true;
		while (running) {
			try (Connection c = DriverManager.getConnection(dataSource.determineUrl(),
					dataSource.determineUsername(), dataSource.determinePassword())) {
				try (Statement st = c.createStatement()) {
					st.execute("LISTEN " + properties.reloadChannel());
					st.execute("LISTEN " + DATA_CHANNEL);
				}
				log.debug("listening for catalog reloads on channel {} and data changes on {}",
						properties.reloadChannel(), DATA_CHANNEL);
				if (!first) {
					reload();
				}
				first = false;
				cache.listening(true);
				PGConnection pg = c.unwrap(PGConnection.class);
				while (running) {
					PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
					if (notifications != null) {
						dispatch(notifications);
					}
				}
			}
			catch (SQLException e) {
				cache.listening(false);
				if (!running) {
					return;
				}
				log.warn("notification listener lost its connection ({}); retrying in {}", e.getMessage(),
						properties.reloadRetry());
				try {
					Thread.sleep(properties.reloadRetry().toMillis());
				}
				catch (InterruptedException interrupted) {
					return;
				}
			}
		}
	}

	private void dispatch(PGNotification[] notifications) {
		boolean reload = false;
		boolean dataChanged = false;
		for (PGNotification n : notifications) {
			if (n.getName().equals(DATA_CHANNEL)) {
				dataChanged = true;
				continue;
			}
			String payload = n.getParameter() == null ? "" : n.getParameter().trim();
			reload |= payload.isEmpty() || payload.equals("reload schema");
		}
		if (reload) {
			reload();
		}
		// a new catalog may change what a function answers or is (e.g. STABLE to VOLATILE), as new data does
		if (reload || dataChanged) {
			cache.onDatabaseWrite();
		}
	}

	private void reload() {
		try {
			catalogs.reload();
		}
		catch (SQLException e) {
			log.warn("catalog reload failed, keeping the previous catalog: {}", e.getMessage());
		}
	}

}
