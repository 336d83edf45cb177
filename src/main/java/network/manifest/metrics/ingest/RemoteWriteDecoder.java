package network.manifest.metrics.ingest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.ExtensionRegistryLite;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;

import network.manifest.metrics.ingest.DecodedSeries.Label;
import network.manifest.metrics.ingest.proto.RemoteWriteV1;
import network.manifest.metrics.ingest.proto.RemoteWriteV2;

/**
 * Decode stage: decompressed protobuf bytes to series. Remote write 1.0 is read one TimeSeries at a time
 * (the outer WriteRequest is never built, so a 200 MB replay request is not held twice); 2.0 needs its
 * symbol table first and is parsed whole (its bodies are small by design).
 */
final class RemoteWriteDecoder {

	private RemoteWriteDecoder() {
	}

	static DecodedBody decode(RemoteWriteFormat.Version version, byte[] bytes) {
		return switch (version) {
			case V1 -> new V1Body(bytes);
			case V2 -> V2Body.parse(bytes);
		};
	}

	/** prometheus.WriteRequest; handle = offset << 32 | length of the TimeSeries message in the body. */
	private static final class V1Body implements DecodedBody {

		/** Field 1 (timeseries), wire type 2 (length-delimited). */
		private static final int TIMESERIES_TAG = (1 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;

		private final byte[] bytes;

		V1Body(byte[] bytes) {
			this.bytes = bytes;
		}

		@Override
		public RemoteWriteFormat.Version version() {
			return RemoteWriteFormat.Version.V1;
		}

		@Override
		public void forEachSeries(Consumer<DecodedSeries> action) {
			CodedInputStream in = CodedInputStream.newInstance(bytes);
			int index = 0;
			try {
				while (true) {
					int tag = in.readTag();
					if (tag == 0) {
						return;
					}
					if (tag != TIMESERIES_TAG) {
						in.skipField(tag);
						continue;
					}
					int length = in.readRawVarint32();
					int offset = in.getTotalBytesRead();
					if (length < 0 || length > bytes.length - offset) {
						throw IngestException.malformed("series " + index + " is truncated");
					}
					in.skipRawBytes(length);
					action.accept(parse(index++, offset, length));
				}
			}
			catch (InvalidProtocolBufferException e) {
				throw IngestException.malformed("body is not a protobuf WriteRequest: " + e.getMessage(), e);
			}
			catch (IOException e) {
				throw IngestException.malformed("body is not a protobuf WriteRequest: " + e.getMessage(), e);
			}
		}

		@Override
		public DecodedSeries series(long handle) {
			return parse(-1, (int) (handle >>> 32), (int) handle);
		}

		private DecodedSeries parse(int index, int offset, int length) {
			RemoteWriteV1.TimeSeries ts;
			try {
				ts = RemoteWriteV1.TimeSeries.parser()
					.parseFrom(CodedInputStream.newInstance(bytes, offset, length), ExtensionRegistryLite.getEmptyRegistry());
			}
			catch (InvalidProtocolBufferException e) {
				throw IngestException.malformed("series " + index + " cannot be decoded: " + e.getMessage(), e);
			}
			List<Label> labels = new ArrayList<>(ts.getLabelsCount());
			for (RemoteWriteV1.Label l : ts.getLabelsList()) {
				labels.add(new Label(l.getName(), l.getValue()));
			}
			int n = ts.getSamplesCount();
			long[] times = new long[n];
			double[] values = new double[n];
			for (int i = 0; i < n; i++) {
				RemoteWriteV1.Sample s = ts.getSamples(i);
				times[i] = s.getTimestamp();
				values[i] = s.getValue();
			}
			return new DecodedSeries(index, ((long) offset << 32) | (length & 0xffffffffL), labels, times, values);
		}

	}

	/** io.prometheus.write.v2.Request; handle = index of the series. */
	private static final class V2Body implements DecodedBody {

		private final RemoteWriteV2.Request request;

		private V2Body(RemoteWriteV2.Request request) {
			this.request = request;
		}

		static V2Body parse(byte[] bytes) {
			RemoteWriteV2.Request request;
			try {
				request = RemoteWriteV2.Request.parseFrom(bytes);
			}
			catch (InvalidProtocolBufferException e) {
				throw IngestException.malformed("body is not a protobuf io.prometheus.write.v2.Request: " + e.getMessage(),
						e);
			}
			if (request.getSymbolsCount() > 0 && !request.getSymbols(0).isEmpty()) {
				throw IngestException.malformed("symbols[0] must be the empty string");
			}
			return new V2Body(request);
		}

		@Override
		public RemoteWriteFormat.Version version() {
			return RemoteWriteFormat.Version.V2;
		}

		@Override
		public void forEachSeries(Consumer<DecodedSeries> action) {
			for (int i = 0; i < request.getTimeseriesCount(); i++) {
				action.accept(series(i));
			}
		}

		@Override
		public DecodedSeries series(long handle) {
			int index = (int) handle;
			RemoteWriteV2.TimeSeries ts = request.getTimeseries(index);
			int refs = ts.getLabelsRefsCount();
			if (refs % 2 != 0) {
				throw IngestException.malformed("series " + index + ": labels_refs has an odd number of entries");
			}
			List<Label> labels = new ArrayList<>(refs / 2);
			for (int i = 0; i < refs; i += 2) {
				labels.add(new Label(symbol(index, ts.getLabelsRefs(i)), symbol(index, ts.getLabelsRefs(i + 1))));
			}
			int n = ts.getSamplesCount();
			long[] times = new long[n];
			double[] values = new double[n];
			for (int i = 0; i < n; i++) {
				RemoteWriteV2.Sample s = ts.getSamples(i);
				times[i] = s.getTimestamp();
				values[i] = s.getValue();
			}
			return new DecodedSeries(index, index, labels, times, values);
		}

		private String symbol(int series, int ref) {
			// refs are uint32 on the wire: a negative int is a reference above 2^31, out of range too
			if (ref < 0 || ref >= request.getSymbolsCount()) {
				throw IngestException.malformed("series " + series + ": label reference " + Integer.toUnsignedString(ref)
						+ " is outside the symbol table of " + request.getSymbolsCount() + " entries");
			}
			return request.getSymbols(ref);
		}

	}

}
