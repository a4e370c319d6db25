package io.wsdeck.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The summary: one row per server with the median of each figure over the rounds (each round's value in
 * parentheses when there are several), then one row per peer with wsdeck's figures divided by that peer's. Written
 * as a Markdown table, ready for the README.
 */
public final class ResultTable {

	/** A figure: where it comes from and how it is printed. */
	private record Column(String heading, String test, Function<JsonLine, Double> value, String format) {

		Column(String heading, String test, String field, double divisor, String format) {
			this(heading, test, line -> {
				Double number = line.number(field);
				return (number == null || number < 0) ? null : number / divisor;
			}, format);
		}

	}

	private static final List<Column> COLUMNS = List.of(
			new Column("echo msgs/s", "echo", "msgs_per_s", 1, "%,.0f"),
			new Column("p50 ms", "echo", "p50_us", 1000, "%.2f"), new Column("p99 ms", "echo", "p99_us", 1000, "%.2f"),
			new Column("server µs/msg", "echo", "server_us_per_msg", 1, "%.2f"),
			new Column("deflate: echo msgs/s", "echo-deflate", "msgs_per_s", 1, "%,.0f"),
			new Column("deflate: server µs/msg", "echo-deflate", "server_us_per_msg", 1, "%.2f"),
			new Column("10 MB round trip ms", "large", "median_ms", 1, "%.0f"),
			new Column("deflate: 10 MB ms", "large-deflate", "median_ms", 1, "%.0f"),
			new Column("handshakes/s", "churn", "handshakes_per_s", 1, "%,.0f"),
			new Column("server µs/handshake", "churn", "server_us_per_handshake", 1, "%.0f"),
			new Column("RSS/idle session KiB", "idle", "rss_per_conn_bytes", 1024, "%.1f"),
			new Column("after GC", "idle", "rss_per_conn_after_gc_bytes", 1024, "%.1f"),
			new Column("with deflate", "idle-deflate", "rss_per_conn_bytes", 1024, "%.1f"),
			new Column("with deflate, after GC", "idle-deflate", "rss_per_conn_after_gc_bytes", 1024, "%.1f"),
			new Column("burst: p99 ms", "burst", "burst_p99_ms", 1, "%.0f"),
			new Column("burst: clients over 1 s", "burst", "burst_over_1s", 1, "%.0f"),
			new Column("burst: SYNs dropped", "burst", "burst_syns_dropped", 1, "%.0f"));

	private static final String SUBJECT = "wsdeck";

	private final List<JsonLine> lines;

	private final List<String> servers;

	public ResultTable(List<JsonLine> lines, List<String> servers) {
		this.lines = lines;
		this.servers = servers;
	}

	public String markdown() {
		StringBuilder table = new StringBuilder("| server |");
		StringBuilder rule = new StringBuilder("|---|");
		for (Column column : COLUMNS) {
			table.append(' ').append(column.heading()).append(" |");
			rule.append("---:|");
		}
		table.append('\n').append(rule).append('\n');
		for (String server : this.servers) {
			table.append("| ").append(server).append(" |");
			for (Column column : COLUMNS) {
				table.append(' ').append(cell(server, column)).append(" |");
			}
			table.append('\n');
		}
		for (String peer : this.servers) {
			if (peer.equals(SUBJECT) || !this.servers.contains(SUBJECT)) {
				continue;
			}
			table.append("| ").append(SUBJECT).append(" / ").append(peer).append(" |");
			for (Column column : COLUMNS) {
				Double ours = median(values(SUBJECT, column));
				Double theirs = median(values(peer, column));
				boolean both = ours != null && theirs != null && theirs != 0;
				table.append(' ').append(both ? format("%.2f", ours / theirs) : "-").append(" |");
			}
			table.append('\n');
		}
		return table.toString();
	}

	/** What went wrong or looks off: errors, failed or early-closed connections, sessions that did not open. */
	public List<String> notes() {
		List<String> notes = new ArrayList<>();
		for (JsonLine line : this.lines) {
			String where = line.string("server") + " " + line.string("test") + " round " + line.string("round");
			if (line.has("error")) {
				notes.add(where + ": " + line.string("error"));
			}
			for (String counter : List.of("failed", "mismatched", "closed_early", "unfinished_workers")) {
				Double count = line.number(counter);
				if (count != null && count > 0) {
					notes.add(where + ": " + counter + " = " + count.longValue());
				}
			}
			Double opened = line.number("opened");
			Double wanted = line.number("count");
			if (opened != null && wanted != null && opened < wanted) {
				notes.add(where + ": " + opened.longValue() + " of " + wanted.longValue() + " idle sessions open");
			}
		}
		return notes;
	}

	private String cell(String server, Column column) {
		List<Double> values = values(server, column);
		Double median = median(values);
		if (median == null) {
			boolean failed = this.lines.stream()
				.anyMatch(line -> server.equals(line.string("server")) && column.test().equals(line.string("test"))
						&& line.has("error"));
			return failed ? "failed" : "-";
		}
		String cell = format(column.format(), median);
		if (values.size() > 1) {
			List<String> each = values.stream().map(value -> format(column.format(), value)).toList();
			cell += " (" + String.join(" / ", each) + ")";
		}
		return cell;
	}

	private List<Double> values(String server, Column column) {
		List<Double> values = new ArrayList<>();
		for (JsonLine line : this.lines) {
			if (server.equals(line.string("server")) && column.test().equals(line.string("test"))
					&& !line.has("error")) {
				Double value = column.value().apply(line);
				if (value != null) {
					values.add(value);
				}
			}
		}
		return values;
	}

	private static Double median(List<Double> values) {
		if (values.isEmpty()) {
			return null;
		}
		List<Double> sorted = values.stream().sorted().toList();
		int middle = sorted.size() / 2;
		return (sorted.size() % 2 == 1) ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
	}

	private static String format(String format, double value) {
		return String.format(Locale.ROOT, format, value);
	}

}
