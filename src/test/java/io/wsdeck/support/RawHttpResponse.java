package io.wsdeck.support;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The server's answer to a handshake, parsed from the wire: status, headers (names case-insensitive, every line
 * kept) and body. Parsing stops exactly at the end of the response, so after a {@code 101} the stream is left at
 * the first frame, which may have arrived in the same packet.
 * @param status the status code
 * @param reasonPhrase the status line's text after the code (Tomcat sends none)
 * @param headers every header line's value, by name, names case-insensitive
 * @param body the body, read by {@code Content-Length}, chunked, or up to the end of the stream
 */
public record RawHttpResponse(int status, String reasonPhrase, Map<String, List<String>> headers, byte[] body) {

	/** Bounds a head that never ends, so a confused server fails the test instead of filling the heap. */
	private static final int MAX_HEAD_BYTES = 64 * 1024;

	/** The first value of the header, or {@code null}. */
	public String header(String name) {
		List<String> values = this.headers.get(name);
		return values == null || values.isEmpty() ? null : values.get(0);
	}

	/** Every value of the header, one per line, in order; empty if absent. */
	public List<String> headerValues(String name) {
		return this.headers.getOrDefault(name, List.of());
	}

	/**
	 * Whether any line of the header lists {@code token} in its comma-separated value, ignoring case: RFC 6455
	 * 4.2.2 compares {@code Upgrade} and {@code Connection} that way ({@code Connection: keep-alive, Upgrade}).
	 */
	public boolean hasToken(String name, String token) {
		return hasToken(headerValues(name), token);
	}

	private static boolean hasToken(List<String> values, String token) {
		for (String value : values) {
			for (String part : value.split(",")) {
				if (part.trim().equalsIgnoreCase(token)) {
					return true;
				}
			}
		}
		return false;
	}

	public String bodyText() {
		return new String(this.body, StandardCharsets.UTF_8);
	}

	public boolean isUpgrade() {
		return this.status == 101;
	}

	/**
	 * Reads one response; {@code in} must be the connection's buffered stream, shared with the frame reader.
	 * @param requestMethod the method of the request it answers: a response to {@code HEAD} has no body
	 */
	public static RawHttpResponse read(InputStream in, String requestMethod) throws IOException {
		String statusLine = readLine(in);
		String[] parts = statusLine.split(" ", 3);
		if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
			throw new AssertionError("not an HTTP status line: \"" + statusLine + "\"");
		}
		int status = Integer.parseInt(parts[1]);
		Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
		int headBytes = statusLine.length();
		for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
			headBytes += line.length();
			if (headBytes > MAX_HEAD_BYTES) {
				throw new AssertionError("response head longer than " + MAX_HEAD_BYTES + " bytes");
			}
			int colon = line.indexOf(':');
			if (colon <= 0) {
				throw new AssertionError("not a header line: \"" + line + "\"");
			}
			headers.computeIfAbsent(line.substring(0, colon).trim(), (name) -> new ArrayList<>())
				.add(line.substring(colon + 1).trim());
		}
		headers.replaceAll((name, values) -> List.copyOf(values));
		return new RawHttpResponse(status, parts.length > 2 ? parts[2] : "", Collections.unmodifiableMap(headers),
				"HEAD".equals(requestMethod) ? new byte[0] : readBody(status, headers, in));
	}

	/** RFC 9112 section 6.3, for the cases a WebSocket server produces. */
	private static byte[] readBody(int status, Map<String, List<String>> headers, InputStream in) throws IOException {
		if (status / 100 == 1 || status == 204 || status == 304) {
			return new byte[0];
		}
		if (hasToken(headers.getOrDefault("Transfer-Encoding", List.of()), "chunked")) {
			return readChunked(in);
		}
		List<String> length = headers.get("Content-Length");
		if (length != null) {
			int expected = Integer.parseInt(length.get(0));
			byte[] body = in.readNBytes(expected);
			if (body.length < expected) {
				throw new EOFException("Content-Length " + expected + " but the connection closed after " + body.length
						+ " bytes of body");
			}
			return body;
		}
		return in.readAllBytes(); // no length: the body ends when the server closes the connection
	}

	private static byte[] readChunked(InputStream in) throws IOException {
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		while (true) {
			String sizeLine = readLine(in);
			int semicolon = sizeLine.indexOf(';');
			int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
			if (size == 0) {
				while (!readLine(in).isEmpty()) {
					// trailers: none expected, skipped
				}
				return body.toByteArray();
			}
			body.write(in.readNBytes(size));
			readLine(in);
		}
	}

	/** One CRLF-terminated line, as ISO-8859-1 (header bytes are not UTF-8 by definition). */
	private static String readLine(InputStream in) throws IOException {
		StringBuilder line = new StringBuilder();
		while (true) {
			int b = in.read();
			if (b < 0) {
				throw new EOFException("connection closed in the middle of the HTTP response after \"" + line + "\"");
			}
			if (b == '\n') {
				int end = line.length();
				return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
			}
			if (line.length() > MAX_HEAD_BYTES) {
				throw new AssertionError("response line longer than " + MAX_HEAD_BYTES + " bytes");
			}
			line.append((char) b);
		}
	}

	/** The response as it would read in a terminal, for assertion messages. */
	@Override
	public String toString() {
		StringBuilder text = new StringBuilder().append(this.status).append(' ').append(this.reasonPhrase);
		this.headers.forEach((name, values) -> values.forEach((value) -> text.append("\n").append(name).append(": ")
			.append(value)));
		return text.append("\n\n").append(bodyText()).toString();
	}

}
