package io.wsdeck.handshake;

import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * Checks an upgrade request against RFC 6455 section 4.2.1 before Spring's handshake handler sees it, so each
 * mistake gets its own status and explanation:
 * <ul>
 * <li>not {@code GET}: 405 with {@code Allow: GET};</li>
 * <li>HTTP/1.0 (section 4.1 needs 1.1 or later): 400;</li>
 * <li>no {@code Upgrade} header nor anything else of a handshake (a browser tab, curl): 426 with
 * {@code Upgrade: websocket} and how to connect;</li>
 * <li>{@code Upgrade} or {@code Connection} not asking for websocket, or a handshake without {@code Upgrade}: 400;</li>
 * <li>a version other than 13: 426 with {@code Sec-WebSocket-Version: 13} (section 4.4);</li>
 * <li>a missing key, or one that is not the base64 of 16 bytes: 400;</li>
 * <li>a second key or version line (section 11.3): 400, rather than silently picking one of two values.</li>
 * </ul>
 */
public class HandshakeValidator implements HandshakeInterceptor {

	static final String SUPPORTED_VERSION = "13";

	private static final String KEY = "Sec-WebSocket-Key";

	private static final String VERSION = "Sec-WebSocket-Version";

	private static final int KEY_BYTES = 16;

	/** 16 bytes in base64: 22 characters of data and {@code ==}. */
	private static final int ENCODED_KEY_CHARS = 24;

	private final HandshakeRefusal refusal;

	private final String description;

	/** @param description one line saying what the endpoint does, for people who open it in a browser tab */
	public HandshakeValidator(HandshakeRefusal refusal, String description) {
		this.refusal = refusal;
		this.description = description;
	}

	@Override
	public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
			Map<String, Object> attributes) throws Exception {
		HttpHeaders headers = request.getHeaders();
		if (!HttpMethod.GET.equals(request.getMethod())) {
			response.getHeaders().setAllow(Set.of(HttpMethod.GET));
			return this.refusal.refuse(request, response, HttpStatus.METHOD_NOT_ALLOWED, "method",
					"A WebSocket handshake is a GET request; got " + request.getMethod() + ".");
		}
		if (request instanceof ServletServerHttpRequest servlet
				&& "HTTP/1.0".equals(servlet.getServletRequest().getProtocol())) {
			return this.refusal.refuse(request, response, HttpStatus.BAD_REQUEST, "http-version",
					"A WebSocket handshake needs HTTP/1.1 or later (RFC 6455 4.1); got HTTP/1.0.");
		}
		String upgrade = headers.getFirst(HttpHeaders.UPGRADE);
		if (upgrade == null && !looksLikeAHandshake(headers)) {
			response.getHeaders().set(HttpHeaders.UPGRADE, "websocket");
			response.getHeaders().set(HttpHeaders.CONNECTION, "Upgrade");
			return this.refusal.refuse(request, response, HttpStatus.UPGRADE_REQUIRED, "no-upgrade",
					"This is a WebSocket endpoint: " + this.description + " Connect with a WebSocket client, e.g. in "
							+ "the browser console: new WebSocket('" + schemeOf(request) + "://" + hostOf(request)
							+ RequestTarget.rawPath(request) + "'), or open / for wsdeck's test page.");
		}
		if (upgrade == null || !hasToken(List.of(upgrade), "websocket")) {
			return this.refusal.refuse(request, response, HttpStatus.BAD_REQUEST, "bad-upgrade",
					"Upgrade must be \"websocket\"; got " + ((upgrade == null) ? "no Upgrade header" : "\"" + upgrade + "\"")
							+ ".");
		}
		if (!hasToken(headers.getOrEmpty(HttpHeaders.CONNECTION), "upgrade")) {
			return this.refusal.refuse(request, response, HttpStatus.BAD_REQUEST, "bad-connection",
					"Connection must include \"Upgrade\"; got \"" + String.join(", ",
							headers.getOrEmpty(HttpHeaders.CONNECTION)) + "\".");
		}
		for (String once : List.of(KEY, VERSION)) {
			if (headers.getOrEmpty(once).size() > 1) {
				return this.refusal.refuse(request, response, HttpStatus.BAD_REQUEST, "repeated-header",
						once + " must appear once (RFC 6455 11.3); got " + headers.getOrEmpty(once).size() + " lines.");
			}
		}
		String version = headers.getFirst(VERSION);
		if (!SUPPORTED_VERSION.equals(version == null ? null : version.trim())) {
			response.getHeaders().set(VERSION, SUPPORTED_VERSION);
			return this.refusal.refuse(request, response, HttpStatus.UPGRADE_REQUIRED, "version",
					"wsdeck speaks WebSocket version 13 (RFC 6455) only; got "
							+ (version == null ? "no Sec-WebSocket-Version header" : "version " + version) + ".");
		}
		String key = headers.getFirst(KEY);
		if (key == null || key.isBlank()) {
			return this.refusal.refuse(request, response, HttpStatus.BAD_REQUEST, "no-key",
					"Missing Sec-WebSocket-Key header.");
		}
		if (!isValidKey(key.trim())) {
			return this.refusal.refuse(request, response, HttpStatus.BAD_REQUEST, "bad-key",
					"Sec-WebSocket-Key must be the base64 encoding of 16 random bytes (RFC 6455 4.1), 24 characters "
							+ "ending in ==; got \"" + key + "\".");
		}
		return true;
	}

	@Override
	public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
			Exception exception) {
	}

	/**
	 * Padded, as RFC 4648 base64 is: Java's decoder also takes a key without its {@code ==}, which Tomcat's upgrade
	 * then refuses with a bare 400, no reason and no log line.
	 */
	static boolean isValidKey(String key) {
		try {
			return key.length() == ENCODED_KEY_CHARS && Base64.getDecoder().decode(key).length == KEY_BYTES;
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	/**
	 * Whether a request without {@code Upgrade} carries the rest of a WebSocket handshake: a client that forgot the
	 * header (or a proxy that dropped it) gets told so, where a browser tab gets how to connect.
	 */
	private static boolean looksLikeAHandshake(HttpHeaders headers) {
		return headers.containsHeader(KEY) || headers.containsHeader(VERSION)
				|| hasToken(headers.getOrEmpty(HttpHeaders.CONNECTION), "upgrade");
	}

	/** Header values are comma-separated, case-insensitive token lists ({@code keep-alive, Upgrade}). */
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

	/** wss on the TLS port, or behind a proxy that says it took https ({@code X-Forwarded-Proto}). */
	private static String schemeOf(ServerHttpRequest request) {
		return "https".equalsIgnoreCase(request.getURI().getScheme()) ? "wss" : "ws";
	}

	private static String hostOf(ServerHttpRequest request) {
		String host = request.getHeaders().getFirst(HttpHeaders.HOST);
		return host != null ? host : "localhost";
	}

}
