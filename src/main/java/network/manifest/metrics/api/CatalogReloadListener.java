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
 * Reloads the catalog on {@code NOTIFY pgrst, 'reload schema'} (or an empty payload), as PostgREST
 * does, so a migration can end with that statement and its functions appear without a restart.
 * Listens on a dedicated connection outside the pool; after losing it, reconnects and reloads once,
 * since notifications sent meanwhile are lost.
 */
@Component
class CatalogReloadListener implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(CatalogReloadListener.class);

	private static final int POLL_MILLIS = 500;

	private final ApiCatalogService catalogs;

	private final DataSourceProperties dataSource;

	private final ApiProperties properties;

	private volatile boolean running;

	private Thread thread;

	CatalogReloadListener(ApiCatalogService catalogs, DataSourceProperties dataSource, ApiProperties properties) {
		this.catalogs = catalogs;
		this.dataSource = dataSource;
		this.properties = properties;
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
				}
				log.debug("listening for catalog reloads on channel {}", properties.reloadChannel());
				if (!first) {
					reload();
				}
				first = false;
				PGConnection pg = c.unwrap(PGConnection.class);
				while (running) {
					PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
					if (notifications != null && wantsReload(notifications)) {
						reload();
					}
				}
			}
			catch (SQLException e) {
				if (!running) {
					return;
				}
				log.warn("catalog listener lost its connection ({}); retrying in {}", e.getMessage(),
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

	private static boolean wantsReload(PGNotification[] notifications) {
		for (PGNotification n : notifications) {
			String payload = n.getParameter() == null ? "" : n.getParameter().trim();
			if (payload.isEmpty() || payload.equals("reload schema")) {
				return true;
			}
		}
		return false;
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
