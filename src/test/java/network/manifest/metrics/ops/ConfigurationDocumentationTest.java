package network.manifest.metrics.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/**
 * Keeps the operator-facing documentation in step with the code: README's configuration table lists
 * every property of application.yml that an operator sets (all of {@code gateway.*} and every value read
 * from an environment variable) with its variable and default, and .env.example names every variable
 * that application.yml or docker-compose.yml reads.
 */
class ConfigurationDocumentationTest {

	private static final Pattern PLACEHOLDER = Pattern.compile("^\\$\\{([A-Z][A-Z0-9_]*)(?::(.*))?}$");

	/** ${VAR}, ${VAR:-x}, ${VAR:?msg} in compose; $${VAR} is an escape for the container's shell. */
	private static final Pattern COMPOSE_VARIABLE = Pattern.compile("(?<!\\$)\\$\\{([A-Z][A-Z0-9_]*)");

	@Test
	void readmeTableListsEveryConfigurableProperty() throws IOException {
		Map<String, Row> table = readmeTable();

		List<String> problems = new ArrayList<>();
		for (Property property : configurableProperties()) {
			Row row = table.get(property.name());
			if (row == null) {
				problems.add(property.name() + " is missing from README's configuration table");
				continue;
			}
			if (!row.env().equals(property.env())) {
				problems.add(property.name() + ": README says variable " + row.env() + ", expected " + property.env());
			}
			if (property.defaultValue() != null && !row.defaultValue().equals(property.defaultValue())) {
				problems.add(property.name() + ": README says default '" + row.defaultValue() + "', application.yml has '"
						+ property.defaultValue() + "'");
			}
		}
		assertThat(problems).isEmpty();
	}

	@Test
	void readmeTableHasNoPropertyTheApplicationDoesNotDefine() throws IOException {
		Set<String> defined = configurableProperties().stream().map(Property::name).collect(Collectors.toSet());

		assertThat(readmeTable().keySet()).allSatisfy(name -> assertThat(defined).as("README row " + name).contains(name));
	}

	@Test
	void envExampleNamesEveryVariableTheApplicationAndComposeRead() throws IOException {
		Set<String> documented = new TreeSet<>();
		Matcher line = Pattern.compile("(?m)^#?\\s*([A-Z][A-Z0-9_]*)=").matcher(Files.readString(Path.of(".env.example")));
		while (line.find()) {
			documented.add(line.group(1));
		}

		Set<String> read = new TreeSet<>();
		// Structured values (lists of objects) cannot be written as one variable; README explains them.
		configurableProperties().stream().filter(p -> p.defaultValue() != null).forEach(p -> read.add(p.env()));
		Matcher compose = COMPOSE_VARIABLE.matcher(Files.readString(Path.of("docker-compose.yml")));
		while (compose.find()) {
			read.add(compose.group(1));
		}

		assertThat(read).contains("DATABASE_URL", "PROMETHEUS_URL");
		assertThat(documented).containsAll(read);
	}

	/**
	 * The properties an operator sets: every leaf under {@code gateway} (variable by Spring's relaxed
	 * binding unless the value names one) and every other leaf whose value is an environment placeholder.
	 */
	static List<Property> configurableProperties() throws IOException {
		Map<String, Object> leaves = new LinkedHashMap<>();
		flatten("", DeploymentFilesTest.yaml(Path.of("src/main/resources/application.yml")), leaves);

		List<Property> properties = new ArrayList<>();
		leaves.forEach((name, value) -> {
			String text = value == null ? "" : render(value);
			Matcher placeholder = PLACEHOLDER.matcher(text);
			if (placeholder.matches()) {
				String fallback = placeholder.group(2);
				properties.add(new Property(name, placeholder.group(1), fallback == null ? "" : fallback));
			}
			else if (name.startsWith("gateway.")) {
				// Lists of objects (e.g. routing rules) are documented by name; their default is in application.yml.
				boolean structured = value instanceof List<?> list && list.stream().anyMatch(Map.class::isInstance);
				properties.add(new Property(name, relaxedEnvName(name), structured ? null : text));
			}
		});
		return properties;
	}

	/**
	 * gateway.retention.raw-internal -> GATEWAY_RETENTION_RAW_INTERNAL (Spring Boot binds this form as well
	 * as the canonical GATEWAY_RETENTION_RAWINTERNAL).
	 */
	static String relaxedEnvName(String property) {
		return property.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
	}

	private static void flatten(String prefix, Object node, Map<String, Object> leaves) {
		if (node instanceof Map<?, ?> map) {
			if (map.isEmpty() && !prefix.isEmpty()) {
				return; // an empty section documents a capability that has no settings yet
			}
			map.forEach((key, value) -> flatten(prefix.isEmpty() ? key.toString() : prefix + "." + key, value, leaves));
		}
		else {
			leaves.put(prefix, node);
		}
	}

	private static String render(Object value) {
		if (value instanceof List<?> list) {
			return list.stream().map(String::valueOf).collect(Collectors.joining(","));
		}
		return String.valueOf(value);
	}

	/** Rows of the table under "## Configuration": | `property` | `VARIABLE` | `default` | meaning |. */
	static Map<String, Row> readmeTable() throws IOException {
		String readme = Files.readString(Path.of("README.md"));
		int start = readme.indexOf("\n## Configuration");
		assertThat(start).as("README has a Configuration section").isPositive();
		int end = readme.indexOf("\n## ", start + 1);
		String section = readme.substring(start, end < 0 ? readme.length() : end);

		Map<String, Row> rows = new LinkedHashMap<>();
		for (String line : section.split("\n")) {
			if (!line.startsWith("| `")) {
				continue;
			}
			String[] cells = line.split("(?<!\\\\)\\|");
			String name = cell(cells[1]);
			rows.put(name, new Row(name, cell(cells[2]), cell(cells[3])));
		}
		assertThat(rows).as("configuration table rows").isNotEmpty();
		return rows;
	}

	/** A cell's text without the code ticks; an empty default is written as (unset). */
	private static String cell(String raw) {
		String text = raw.trim().replace("\\|", "|");
		if (text.startsWith("`") && text.endsWith("`") && text.length() >= 2) {
			text = text.substring(1, text.length() - 1);
		}
		return text.equals("(unset)") ? "" : text;
	}

	record Property(String name, String env, String defaultValue) {
	}

	record Row(String name, String env, String defaultValue) {
	}

}
