package network.manifest.metrics.ingest;

import java.util.List;

/**
 * One time series as sent, protocol-independent. {@code index} is its position in the request (for error
 * messages); {@code handle} lets the decoder read it again for the write.
 */
record DecodedSeries(int index, long handle, List<Label> labels, long[] timestamps, double[] values) {

	record Label(String name, String value) {
	}

	int sampleCount() {
		return timestamps.length;
	}

}
