package network.manifest.metrics.storage;

/**
 * This instance committed a write to the data the API reads. Published synchronously before the write is
 * acknowledged, so listeners (the API's result cache) act before the sender hears of it.
 *
 * @param rowsStored raw rows the write stored (0 when every sample was a duplicate)
 */
public record DataChangedEvent(long rowsStored) {
}
