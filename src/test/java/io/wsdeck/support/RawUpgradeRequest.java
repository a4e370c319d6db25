package io.wsdeck.support;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * An HTTP request written byte for byte as built, so a test can send the handshakes a client library refuses to
 * produce. {@link #to(String)} starts from a valid RFC 6455 section 4.1 upgrade with a fresh random key; each
 * change then breaks exactly one thing:
 * <pre>
 * RawUpgradeRequest.to("/ws").header("Sec-WebSocket-Version", "8")   // replace a header
 * RawUpgradeRequest.to("/ws").without("Upgrade")                       // drop one
 * RawUpgradeRequest.to("/ws").addHeader("Connection", "keep-alive")    // add another line of the same name
 * RawUpgradeRequest.to("/ws").method("POST")
 * </pre>
 * Header names are matched case-insensitively and written in the order they were added. Not thread-safe; build
 * one per connection.
 */
public final class RawUpgradeRequest {

	/** Placeholder value for {@code Host}: replaced by the address the request is sent to. */
	static final String CONNECTED_HOST = "\0connected-host";

	private static final SecureRandom RANDOM = new SecureRandom();

	private String method = "GET";

	private String target;

	private String version = "HTTP/1.1";

	private final List<Map.Entry<String, String>> headers = new ArrayList<>();

	private byte[] body = new byte[0];

	private RawUpgradeRequest(String target) {
		this.target = target;
	}

	/**
	 * A valid upgrade for {@code target} (path and query, e.g. {@code /ws?tick=50}): {@code GET}, {@code Host} of
	 * the server it is sent to, {@code Upgrade: websocket}, {@code Connection: Upgrade}, a random 16-byte
	 * {@code Sec-WebSocket-Key} and {@code Sec-WebSocket-Version: 13}. No {@code Origin}, as non-browser clients
	 * send none.
	 */
	public static RawUpgradeRequest to(String target) {
		return new RawUpgradeRequest(target).addHeader("Host", CONNECTED_HOST)
			.addHeader("Upgrade", "websocket")
			.addHeader("Connection", "Upgrade")
			.addHeader("Sec-WebSocket-Key", randomKey())
			.addHeader("Sec-WebSocket-Version", "13");
	}

	/** A request with a request line only: what a browser tab or {@code curl} sends, minus their extras. */
	public static RawUpgradeRequest plain(String method, String target) {
		return new RawUpgradeRequest(target).method(method).addHeader("Host", CONNECTED_HOST);
	}

	/** The base64 of 16 random bytes, as RFC 6455 4.1 asks of a client's key. */
	public static String randomKey() {
		byte[] key = new byte[16];
		RANDOM.nextBytes(key);
		return Base64.getEncoder().encodeToString(key);
	}

	public RawUpgradeRequest method(String method) {
		this.method = method;
		return this;
	}

	public RawUpgradeRequest target(String target) {
		this.target = target;
		return this;
	}

	/** The protocol in the request line, {@code HTTP/1.1} by default. */
	public RawUpgradeRequest version(String version) {
		this.version = version;
		return this;
	}

	/** Sets a header: replaces the value of the first line of that name (removing any others), or appends one. */
	public RawUpgradeRequest header(String name, String value) {
		int first = indexOf(name);
		if (first < 0) {
			return addHeader(name, value);
		}
		this.headers.set(first, Map.entry(name, value));
		for (int i = this.headers.size() - 1; i > first; i--) {
			if (this.headers.get(i).getKey().equalsIgnoreCase(name)) {
				this.headers.remove(i);
			}
		}
		return this;
	}

	/** Appends a header line, even if one of that name is already there. */
	public RawUpgradeRequest addHeader(String name, String value) {
		this.headers.add(Map.entry(name, value));
		return this;
	}

	/** Removes every line of that header. */
	public RawUpgradeRequest without(String name) {
		this.headers.removeIf((header) -> header.getKey().equalsIgnoreCase(name));
		return this;
	}

	/** Shorthand for {@code header("Sec-WebSocket-Key", key)}. */
	public RawUpgradeRequest key(String key) {
		return header("Sec-WebSocket-Key", key);
	}

	/** A body, sent with a {@code Content-Length} header unless one was set explicitly. */
	public RawUpgradeRequest body(String body) {
		this.body = body.getBytes(StandardCharsets.UTF_8);
		if (indexOf("Content-Length") < 0) {
			addHeader("Content-Length", String.valueOf(this.body.length));
		}
		return this;
	}

	/** The first value of a header, or {@code null}. */
	public String headerValue(String name) {
		int index = indexOf(name);
		return index < 0 ? null : this.headers.get(index).getValue();
	}

	/** The {@code Sec-WebSocket-Key} sent, or {@code null}; the server's accept must be derived from it. */
	public String key() {
		return headerValue("Sec-WebSocket-Key");
	}

	public String method() {
		return this.method;
	}

	public String target() {
		return this.target;
	}

	/** The request's bytes, with {@code host} (e.g. {@code 127.0.0.1:8080}) as the default {@code Host}. */
	public byte[] toBytes(String host) {
		StringBuilder request = new StringBuilder();
		request.append(this.method).append(' ').append(this.target).append(' ').append(this.version).append("\r\n");
		for (Map.Entry<String, String> header : this.headers) {
			String value = CONNECTED_HOST.equals(header.getValue()) ? host : header.getValue();
			request.append(header.getKey()).append(": ").append(value).append("\r\n");
		}
		request.append("\r\n");
		byte[] head = request.toString().getBytes(StandardCharsets.UTF_8);
		byte[] bytes = new byte[head.length + this.body.length];
		System.arraycopy(head, 0, bytes, 0, head.length);
		System.arraycopy(this.body, 0, bytes, head.length, this.body.length);
		return bytes;
	}

	@Override
	public String toString() {
		return new String(toBytes("<host>"), StandardCharsets.UTF_8);
	}

	private int indexOf(String name) {
		for (int i = 0; i < this.headers.size(); i++) {
			if (this.headers.get(i).getKey().equalsIgnoreCase(name)) {
				return i;
			}
		}
		return -1;
	}

}
