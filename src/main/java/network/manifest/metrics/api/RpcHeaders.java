package network.manifest.metrics.api;

import java.util.Collections;
import java.util.Enumeration;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The request headers that shape a call: PostgREST's {@code Prefer: count=...} and
 * {@code Range}/{@code Range-Unit}, and HTTP's {@code If-None-Match} and {@code Cache-Control}.
 */
final class RpcHeaders {

	/** {@code first-[last]}, optionally prefixed by the unit as in {@code items=0-9}. */
	private static final Pattern RANGE = Pattern.compile("\\s*(?:items=)?(\\d+)-(\\d*)\\s*");

	private RpcHeaders() {
	}

	/**
	 * Whether {@code Prefer} asks for a count. {@code exact}, {@code planned} and {@code estimated} all get
	 * the exact count: a function's planner estimate is its declared ROWS, which says nothing.
	 */
	static boolean countRequested(Enumeration<String> prefer) {
		return anyItem(prefer, p -> {
			String v = p.toLowerCase(Locale.ROOT);
			return v.equals("count=exact") || v.equals("count=planned") || v.equals("count=estimated");
		});
	}

	/**
	 * The plan restricted to the rows a {@code Range} header asks for ({@code Range-Unit: items}, the
	 * default); a header that is not a range of items is ignored, as PostgREST ignores it.
	 */
	static CallPlan applyRange(CallPlan plan, String range, String unit) {
		if (range == null || (unit != null && !unit.trim().equalsIgnoreCase("items"))) {
			return plan;
		}
		Matcher m = RANGE.matcher(range);
		if (!m.matches()) {
			return plan;
		}
		long first = Long.parseLong(m.group(1));
		Long last = m.group(2).isEmpty() ? null : Long.valueOf(m.group(2));
		if (last != null && last < first) {
			throw RequestError.rangeNotSatisfiable(
					"The lower boundary must be lower than or equal to the upper boundary in the Range header.", null);
		}
		return plan.withRange(first, last);
	}

	/** Whether {@code Cache-Control} holds {@code no-cache} (or {@code no-store}). */
	static boolean noCache(Enumeration<String> cacheControl) {
		return anyItem(cacheControl, d -> d.equalsIgnoreCase("no-cache") || d.equalsIgnoreCase("no-store"));
	}

	/** Whether {@code If-None-Match} names this (strong) validator; weak comparison, as RFC 9110 asks. */
	static boolean matches(Enumeration<String> ifNoneMatch, String etag) {
		return anyItem(ifNoneMatch, t -> {
			String tag = t.startsWith("W/") ? t.substring(2) : t;
			return tag.equals("*") || tag.equals(etag);
		});
	}

	/** Whether an item of these comma-separated header values (trimmed) passes the test. */
	private static boolean anyItem(Enumeration<String> values, Predicate<String> test) {
		for (String header : values == null ? Collections.<String>emptyList() : Collections.list(values)) {
			for (String item : header.split(",")) {
				if (test.test(item.trim())) {
					return true;
				}
			}
		}
		return false;
	}

}
