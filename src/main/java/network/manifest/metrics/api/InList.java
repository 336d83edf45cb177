package network.manifest.metrics.api;

import java.util.ArrayList;
import java.util.List;

/** The items of PostgREST's {@code in.(a,"b,c",d)} filter value; double quotes protect commas. */
final class InList {

	private InList() {
	}

	static List<String> items(String value) {
		String body = value.substring(1, value.length() - 1);
		List<String> items = new ArrayList<>();
		StringBuilder current = new StringBuilder();
		boolean quoted = false;
		for (int i = 0; i < body.length(); i++) {
			char ch = body.charAt(i);
			if (ch == '"') {
				quoted = !quoted;
			}
			else if (ch == '\\' && quoted && i + 1 < body.length()) {
				current.append(body.charAt(++i));
			}
			else if (ch == ',' && !quoted) {
				items.add(current.toString().trim());
				current.setLength(0);
			}
			else {
				current.append(ch);
			}
		}
		if (!body.isBlank() || !items.isEmpty()) {
			items.add(current.toString().trim());
		}
		return items;
	}

}
