package network.manifest.metrics.ingest;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.LocalDate;

import org.postgresql.copy.CopyIn;

/**
 * Rows in PostgreSQL's COPY text format, buffered and pushed into a running COPY. Rows are encoded as they
 * are produced, so a request of millions of samples never exists as a list of row objects.
 */
final class CopyTextBuffer {

	private static final byte[] NULL = { '\\', 'N' };

	private final byte[] buf;

	private int pos;

	private final CopyIn copy;

	private long cachedDay = Long.MIN_VALUE;

	private byte[] cachedDate;

	CopyTextBuffer(CopyIn copy, int size) {
		this.copy = copy;
		this.buf = new byte[size];
	}

	/** Ends the COPY and returns the number of rows PostgreSQL read. */
	long finish() throws SQLException {
		flush();
		return copy.endCopy();
	}

	/** Abandons the COPY after a failure so the connection can roll back. */
	void cancel() {
		try {
			if (copy.isActive()) {
				copy.cancelCopy();
			}
		}
		catch (SQLException ignored) {
			// the transaction is rolled back (or the connection discarded) either way
		}
	}

	CopyTextBuffer tab() throws SQLException {
		return ascii('\t');
	}

	CopyTextBuffer endRow() throws SQLException {
		return ascii('\n');
	}

	CopyTextBuffer bytes(byte[] b) throws SQLException {
		if (b.length > buf.length - pos) {
			flush();
			if (b.length > buf.length) {
				copy.writeToCopy(b, 0, b.length);
				return this;
			}
		}
		System.arraycopy(b, 0, buf, pos, b.length);
		pos += b.length;
		return this;
	}

	/** A text value, escaped for COPY; null becomes \N. */
	CopyTextBuffer text(String s) throws SQLException {
		return bytes(s == null ? NULL : escape(s));
	}

	CopyTextBuffer ascii(String s) throws SQLException {
		if (s.length() > buf.length - pos) {
			flush();
		}
		for (int i = 0; i < s.length(); i++) {
			buf[pos++] = (byte) s.charAt(i);
		}
		return this;
	}

	/** A UTC timestamptz literal for epoch milliseconds, e.g. {@code 2026-11-25 19:37:18.123+00}. */
	CopyTextBuffer timestamp(long epochMillis) throws SQLException {
		long day = Math.floorDiv(epochMillis, 86_400_000L);
		if (day != cachedDay) {
			cachedDate = (LocalDate.ofEpochDay(day) + " ").getBytes(StandardCharsets.US_ASCII);
			cachedDay = day;
		}
		bytes(cachedDate);
		if (buf.length - pos < 16) {
			flush();
		}
		int ms = (int) Math.floorMod(epochMillis, 86_400_000L);
		two(ms / 3_600_000);
		buf[pos++] = ':';
		two(ms / 60_000 % 60);
		buf[pos++] = ':';
		two(ms / 1000 % 60);
		buf[pos++] = '.';
		int milli = ms % 1000;
		buf[pos++] = (byte) ('0' + milli / 100);
		buf[pos++] = (byte) ('0' + milli / 10 % 10);
		buf[pos++] = (byte) ('0' + milli % 10);
		buf[pos++] = '+';
		buf[pos++] = '0';
		buf[pos++] = '0';
		return this;
	}

	private void two(int n) {
		buf[pos++] = (byte) ('0' + n / 10);
		buf[pos++] = (byte) ('0' + n % 10);
	}

	private CopyTextBuffer ascii(char c) throws SQLException {
		if (pos == buf.length) {
			flush();
		}
		buf[pos++] = (byte) c;
		return this;
	}

	private void flush() throws SQLException {
		if (pos > 0) {
			copy.writeToCopy(buf, 0, pos);
			pos = 0;
		}
	}

	/** COPY text escaping: backslash, tab, newline and carriage return would end a field or row. */
	static byte[] escape(String s) {
		boolean plain = true;
		for (int i = 0; i < s.length() && plain; i++) {
			char c = s.charAt(i);
			plain = c != '\\' && c != '\t' && c != '\n' && c != '\r';
		}
		if (plain) {
			return s.getBytes(StandardCharsets.UTF_8);
		}
		StringBuilder sb = new StringBuilder(s.length() + 8);
		for (int i = 0; i < s.length(); i++) {
			char c = s.charAt(i);
			switch (c) {
				case '\\' -> sb.append("\\\\");
				case '\t' -> sb.append("\\t");
				case '\n' -> sb.append("\\n");
				case '\r' -> sb.append("\\r");
				default -> sb.append(c);
			}
		}
		return sb.toString().getBytes(StandardCharsets.UTF_8);
	}

}
