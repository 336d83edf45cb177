package network.manifest.metrics.api;

import java.util.Map;

/**
 * PostgREST's table from SQLSTATE to HTTP status, keyed by code (never by message text): exact codes
 * first, then two-character classes, then 400. 42501 is resolved by the caller (401 for the anonymous
 * role, 403 otherwise).
 */
final class SqlStateStatus {

	static final String INSUFFICIENT_PRIVILEGE = "42501";

	private static final Map<String, Integer> EXACT = Map.ofEntries(Map.entry("23503", 409),
			Map.entry("23505", 409), Map.entry("25006", 405), Map.entry("53400", 500), Map.entry("57P01", 503),
			Map.entry("P0001", 400), Map.entry("42883", 404), Map.entry("42P01", 404));

	private static final Map<String, Integer> CLASSES = Map.ofEntries(Map.entry("08", 503), Map.entry("0L", 403),
			Map.entry("0P", 403), Map.entry("28", 403), Map.entry("53", 503), Map.entry("57", 500),
			Map.entry("25", 500), Map.entry("2D", 500), Map.entry("38", 500), Map.entry("39", 500),
			Map.entry("3B", 500), Map.entry("40", 500), Map.entry("54", 500), Map.entry("55", 500),
			Map.entry("58", 500), Map.entry("F0", 500), Map.entry("HV", 500), Map.entry("XX", 500),
			Map.entry("P0", 500));

	private SqlStateStatus() {
	}

	static int of(String sqlState, boolean anonymous) {
		if (sqlState == null || sqlState.length() != 5) {
			return 500;
		}
		if (sqlState.equals(INSUFFICIENT_PRIVILEGE)) {
			return anonymous ? 401 : 403;
		}
		Integer exact = EXACT.get(sqlState);
		if (exact != null) {
			return exact;
		}
		// PTxyz: a function chose the status itself (RAISE ... USING ERRCODE = 'PT404').
		if (sqlState.startsWith("PT") && Character.isDigit(sqlState.charAt(2)) && Character.isDigit(sqlState.charAt(3))
				&& Character.isDigit(sqlState.charAt(4))) {
			return Integer.parseInt(sqlState.substring(2));
		}
		return CLASSES.getOrDefault(sqlState.substring(0, 2), 400);
	}

}
