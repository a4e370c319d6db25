package io.wsdeck.bench.report;

import java.util.LinkedHashMap;
import java.util.Map;

/** One measurement's result: named numbers and strings, in the order they were put, written as one JSON line. */
public final class JsonLine {

	private final Map<String, Object> fields = new LinkedHashMap<>();

	public JsonLine put(String name, Object value) {
		this.fields.put(name, value);
		return this;
	}

	/** Puts every field of {@code other}, in its order. */
	public JsonLine putAll(JsonLine other) {
		this.fields.putAll(other.fields);
		return this;
	}

	/** Puts a number rounded to {@code decimals} places (JSON lines stay readable). */
	public JsonLine put(String name, double value, int decimals) {
		double scale = Math.pow(10, decimals);
		return put(name, Math.round(value * scale) / scale);
	}

	/** The named number, or {@code null} if absent or not a number. */
	public Double number(String name) {
		return (this.fields.get(name) instanceof Number n) ? n.doubleValue() : null;
	}

	public String string(String name) {
		Object value = this.fields.get(name);
		return (value != null) ? value.toString() : null;
	}

	public boolean has(String name) {
		return this.fields.containsKey(name);
	}

	@Override
	public String toString() {
		StringBuilder json = new StringBuilder("{");
		for (Map.Entry<String, Object> field : this.fields.entrySet()) {
			if (json.length() > 1) {
				json.append(',');
			}
			json.append(quote(field.getKey())).append(':');
			Object value = field.getValue();
			boolean bare = (value instanceof Number n && Double.isFinite(n.doubleValue())) || value instanceof Boolean;
			json.append(bare ? value.toString() : quote(String.valueOf(value)));
		}
		return json.append('}').toString();
	}

	private static String quote(String text) {
		StringBuilder quoted = new StringBuilder("\"");
		for (char c : text.toCharArray()) {
			switch (c) {
				case '"' -> quoted.append("\\\"");
				case '\\' -> quoted.append("\\\\");
				case '\n' -> quoted.append("\\n");
				default -> {
					if (c < 0x20) {
						quoted.append(String.format("\\u%04x", (int) c));
					}
					else {
						quoted.append(c);
					}
				}
			}
		}
		return quoted.append('"').toString();
	}

}
