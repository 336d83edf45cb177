package network.manifest.metrics.ingest;

import java.util.function.Consumer;

/**
 * A decoded remote-write body that can be walked more than once without materialising every sample: the
 * first walk validates and identifies the series, later ones (one per transaction attempt) stream the
 * samples into the database.
 */
interface DecodedBody {

	RemoteWriteFormat.Version version();

	/** Calls {@code action} for every series in request order; malformed series fail with 400. */
	void forEachSeries(Consumer<DecodedSeries> action);

	/** The series at {@code handle} (from a previous walk) again. */
	DecodedSeries series(long handle);

}
