package network.manifest.metrics.api;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Picks a content coding from an {@code Accept-Encoding} header (RFC 9110 §12.5.3): the offered
 * coding with the highest q-value, earlier offers winning ties; {@code *} stands for codings not
 * named; {@code q=0} refuses. Null means identity.
 */
final class AcceptEncoding {

	private AcceptEncoding() {
	}

	static String choose(String header, List<String> offered) {
		if (header == null || header.isBlank() || offered.isEmpty()) {
			return null;
		}
		Map<String, Double> weights = new HashMap<>();
		for (String element : header.split(",")) {
			String[] parts = element.split(";");
			String coding = parts[0].trim().toLowerCase(Locale.ROOT);
			if (coding.isEmpty()) {
				continue;
			}
			double q = 1;
			for (int i = 1; i < parts.length; i++) {
				String param = parts[i].trim();
				if (param.length() > 2 && (param.startsWith("q=") || param.startsWith("Q="))) {
					try {
						q = Double.parseDouble(param.substring(2).trim());
					}
					catch (NumberFormatException e) {
						q = 0;
					}
				}
			}
			weights.merge(coding, q, Math::max);
		}
		String best = null;
		double bestQ = 0;
		for (String coding : offered) {
			Double q = weights.containsKey(coding) ? weights.get(coding) : weights.get("*");
			if (q != null && q > bestQ) {
				best = coding;
				bestQ = q;
			}
		}
		return best;
	}

}
