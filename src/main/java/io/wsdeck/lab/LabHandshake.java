package io.wsdeck.lab;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.wsdeck.handshake.HandshakeRefusal;

import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The lab's handshake: keeps the request line and headers for the {@code headers} command (as some public echo
 * services send them back), with credentials redacted, and refuses {@code ?tick=}: the lab sends only what the
 * client asks for, and a tick in the middle of a flood would spoil the client's count.
 */
public class LabHandshake implements HandshakeInterceptor {

	private static final String REQUEST = LabHandshake.class.getName() + ".request";

	/** Headers whose values are credentials; never echoed, even to the client that sent them (logs, shared pages). */
	private static final Set<String> REDACTED = Set.of("authorization", "proxy-authorization", "cookie");

	/** A browser cannot set headers, so a token may come as a query parameter instead. */
	private static final Pattern TOKEN_PARAMETER = Pattern.compile("(?i)((?:^|&)access_token=)[^&]*");

	private static final String REDACTION = "[redacted]";

	private final HandshakeRefusal refusal;

	public LabHandshake(HandshakeRefusal refusal) {
		this.refusal = refusal;
	}

	@Override
	public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
			Map<String, Object> attributes) throws Exception {
		if (UriComponentsBuilder.fromUri(request.getURI()).build().getQueryParams().containsKey("tick")) {
			return this.refusal.refuse(request, response, HttpStatus.BAD_REQUEST, "tick-not-here",
					"The lab sends only what you ask for, so it has no ticks. Ask for ?tick= on the mixed or text "
							+ "endpoint.");
		}
		attributes.put(REQUEST, describe(request));
		return true;
	}

	@Override
	public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
			Exception exception) {
	}

	/** The handshake request as the {@code headers} command answers it. */
	static String requestOf(WebSocketSession session) {
		Object request = session.getAttributes().get(REQUEST);
		return (request != null) ? request.toString() : "(the handshake request was not recorded)";
	}

	/** The request line, then one {@code Name: value} line per header line, in the order received. */
	static String describe(ServerHttpRequest request) {
		String query = request.getURI().getRawQuery();
		String target = request.getURI().getRawPath()
				+ ((query != null) ? "?" + TOKEN_PARAMETER.matcher(query).replaceAll("$1" + REDACTION) : "");
		String protocol = (request instanceof ServletServerHttpRequest servlet)
				? servlet.getServletRequest().getProtocol() : "HTTP/1.1";
		StringBuilder text = new StringBuilder();
		text.append(request.getMethod()).append(' ').append(target).append(' ').append(protocol);
		request.getHeaders().forEach((String name, List<String> values) -> {
			boolean secret = REDACTED.contains(name.toLowerCase(Locale.ROOT));
			for (String value : values) {
				text.append('\n').append(name).append(": ").append(secret ? REDACTION : value);
			}
		});
		return text.toString();
	}

}
