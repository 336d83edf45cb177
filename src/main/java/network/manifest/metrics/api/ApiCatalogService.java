package network.manifest.metrics.api;

import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.stereotype.Service;

/**
 * Holds the current {@link ApiCatalog}. Loaded once at start-up, after the migrations and before the
 * service reports ready (a failure stops the start); reloaded on {@code NOTIFY} (see
 * {@link DatabaseNotificationListener}) or whenever other code calls {@link #reload()}, e.g. after
 * changing the exposed schema.
 */
@Service
@DependsOnDatabaseInitialization
public class ApiCatalogService {

	private static final Logger log = LoggerFactory.getLogger(ApiCatalogService.class);

	private final CatalogLoader loader;

	private final AtomicReference<ApiCatalog> current = new AtomicReference<>();

	ApiCatalogService(DataSource dataSource, ApiProperties properties) throws SQLException {
		this.loader = new CatalogLoader(dataSource, properties.schema());
		ApiCatalog first = loader.load(1);
		current.set(first);
		log.info("API catalog: {} function(s) in schema {}", first.functions().size(), properties.schema());
	}

	ApiCatalog current() {
		return current.get();
	}

	/**
	 * Reads the schema again and swaps the snapshot in; requests already running keep the old one.
	 * @return the number of exposed functions
	 * @throws SQLException when the catalog cannot be read; the previous snapshot stays in use
	 */
	public synchronized int reload() throws SQLException {
		ApiCatalog next = loader.load(current.get().generation() + 1);
		current.set(next);
		log.info("API catalog reloaded: {} function(s)", next.functions().size());
		return next.functions().size();
	}

}
