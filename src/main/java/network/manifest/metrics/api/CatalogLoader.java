package network.manifest.metrics.api;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import network.manifest.metrics.api.ApiFunction.Column;
import network.manifest.metrics.api.ApiFunction.Parameter;
import network.manifest.metrics.api.ApiFunction.Shape;

/** Reads the exposed schema's functions from pg_catalog, in one query. */
final class CatalogLoader {

	private static final Logger log = LoggerFactory.getLogger(CatalogLoader.class);

	// Arguments and row-type columns come back as JSON so one round trip describes every function.
	// A function's answer depends on the clock when its body, or the body of an SQL or PL/pgSQL function it
	// names (transitively), reads the time; a function reading request.* settings depends on more than its
	// arguments and is never cached.
	private static final String QUERY = """
			with recursive code as (
			       select f.oid, f.proname, f.prosrc from pg_proc f join pg_language l on l.oid = f.prolang
			       where l.lanname in ('sql', 'plpgsql')
			         and f.pronamespace not in ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)),
			     reads_clock(oid) as (
			       select oid from code
			       where prosrc ~* '\\m(now|current_timestamp|current_date|current_time|localtime|localtimestamp|clock_timestamp|statement_timestamp|transaction_timestamp|timeofday)\\M'
			       union
			       select caller.oid from reads_clock r join code callee on callee.oid = r.oid
			       join code caller on caller.prosrc ~* ('\\m' || callee.proname || '\\M'))
			select p.proname,
			       p.provolatile = 'v' as is_volatile,
			       p.provolatile <> 'v' and p.prosrc !~ 'request\\.' as cacheable,
			       p.oid in (select oid from reads_clock) as reads_clock,
			       p.proretset,
			       p.prorettype = 'pg_catalog.void'::regtype as returns_void,
			       p.prorettype = 'pg_catalog.record'::regtype as returns_record,
			       format_type(p.prorettype, null) as return_type,
			       t.typrelid <> 0 as returns_composite,
			       p.pronargdefaults,
			       d.description,
			       coalesce((select json_agg(json_build_object('name', a.name, 'type', format_type(a.type, null),
			                                                   'mode', coalesce(a.mode, 'i')) order by a.ord)
			                 from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[]), p.proargnames, p.proargmodes)
			                      with ordinality as a(type, name, mode, ord)), '[]') as args,
			       coalesce((select json_agg(json_build_object('name', att.attname,
			                                                   'type', format_type(att.atttypid, att.atttypmod))
			                                 order by att.attnum)
			                 from pg_attribute att
			                 where att.attrelid = t.typrelid and att.attnum > 0 and not att.attisdropped), '[]') as row_columns
			from pg_proc p
			join pg_namespace n on n.oid = p.pronamespace
			join pg_type t on t.oid = p.prorettype
			left join pg_description d on d.objoid = p.oid and d.classoid = 'pg_catalog.pg_proc'::regclass and d.objsubid = 0
			where n.nspname = ? and p.prokind = 'f'
			order by p.proname, p.oid
			""";

	private final DataSource dataSource;

	private final String schema;

	private final ObjectMapper json = new ObjectMapper();

	CatalogLoader(DataSource dataSource, String schema) {
		this.dataSource = dataSource;
		this.schema = schema;
	}

	ApiCatalog load(long generation) throws SQLException {
		List<ApiFunction> functions = new ArrayList<>();
		try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(QUERY)) {
			ps.setString(1, schema);
			try (ResultSet rs = ps.executeQuery()) {
				while (rs.next()) {
					describe(rs).ifPresent(functions::add);
				}
			}
		}
		return new ApiCatalog(schema, functions, generation, Instant.now());
	}

	private Optional<ApiFunction> describe(ResultSet rs) throws SQLException {
		String name = rs.getString("proname");
		List<Parameter> inputs = new ArrayList<>();
		List<Column> outputs = new ArrayList<>();
		int defaults = rs.getInt("pronargdefaults");
		JsonNode args = parse(rs.getString("args"));
		List<JsonNode> inputArgs = new ArrayList<>();
		for (JsonNode a : args) {
			String mode = a.get("mode").asText();
			if (mode.equals("i") || mode.equals("b") || mode.equals("v")) {
				inputArgs.add(a);
			}
			if (mode.equals("o") || mode.equals("b") || mode.equals("t")) {
				outputs.add(new Column(a.path("name").asText(""), a.get("type").asText()));
			}
		}
		for (int i = 0; i < inputArgs.size(); i++) {
			JsonNode a = inputArgs.get(i);
			String argName = a.path("name").asText("");
			if (argName.isEmpty()) {
				// Named-argument calls cannot reach unnamed parameters.
				log.info("not exposing {}.{}: it has unnamed parameters", schema, name);
				return Optional.empty();
			}
			inputs.add(new Parameter(argName, a.get("type").asText(), i < inputArgs.size() - defaults));
		}
		boolean set = rs.getBoolean("proretset");
		Shape shape;
		List<Column> columns;
		if (rs.getBoolean("returns_void")) {
			shape = Shape.VOID;
			columns = List.of();
		}
		else if (!outputs.isEmpty()) {
			// RETURNS TABLE / OUT parameters; a single non-set OUT parameter is a plain scalar.
			shape = set ? Shape.ROWS : (outputs.size() == 1 ? Shape.SCALAR : Shape.ROW);
			columns = shape == Shape.SCALAR ? List.of() : outputs;
		}
		else if (rs.getBoolean("returns_composite")) {
			shape = set ? Shape.ROWS : Shape.ROW;
			columns = new ArrayList<>();
			for (JsonNode c : parse(rs.getString("row_columns"))) {
				columns.add(new Column(c.get("name").asText(), c.get("type").asText()));
			}
		}
		else if (rs.getBoolean("returns_record")) {
			log.info("not exposing {}.{}: it returns an undescribed record", schema, name);
			return Optional.empty();
		}
		else {
			shape = set ? Shape.SCALARS : Shape.SCALAR;
			columns = List.of();
		}
		return Optional.of(new ApiFunction(schema, name, inputs, shape, rs.getString("return_type"), columns,
				rs.getBoolean("is_volatile"), rs.getBoolean("cacheable"), rs.getBoolean("reads_clock"),
				rs.getString("description")));
	}

	private JsonNode parse(String text) throws SQLException {
		try {
			return json.readTree(text);
		}
		catch (JsonProcessingException e) {
			throw new SQLException("unreadable catalog row: " + text, e);
		}
	}

}
