package io.wsdeck.push;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.wsdeck.handshake.HandshakeRefusal;
import io.wsdeck.handshake.RequestTarget;

import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Reads {@code ?tick=MS} from the handshake URL. An interval out of bounds, or not a number, is refused with 400
 * at the handshake rather than silently clamped: the client asked for something it will not get.
 */
public class TickRequest implements HandshakeInterceptor {

	static final String PARAMETER = "tick";

	private static final String ATTRIBUTE = TickRequest.class.getName() + ".interval";

	private final Duration min;

	private final Duration max;

	private final boolean allowed;

	private final HandshakeRefusal refusal;

	/** @param allowed whether the endpoint takes text pushes; ticks are text */
	public TickRequest(HandshakeRefusal refusal, Duration min, Duration max, boolean allowed) {
		this.refusal = refusal;
		this.min = min;
		this.max = max;
		this.allowed = allowed;
	}

	@Override
	public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
			Map<String, Object> attributes) throws Exception {
		if (RequestTarget.rawQuery(request) == null) {
			return true; // most handshakes: no query to parse
		}
		List<String> values = UriComponentsBuilder.fromUri(request.getURI())
			.build()
			.getQueryParams()
			.getOrDefault(PARAMETER, List.of());
		if (values.isEmpty() || (values.size() == 1 && values.get(0) == null)) {
			return true; // no tick, or a bare "?tick" without a value
		}
		if (!this.allowed) {
			return this.refusal.refuse(request, response, HttpStatus.BAD_REQUEST, "tick-not-here",
					"This endpoint sends no ticks: ticks are text pushes, offered on the mixed and text endpoints only.");
		}
		String value = values.get(0);
		if (values.size() > 1) {
			return this.refusal.refuse(request, response, HttpStatus.BAD_REQUEST, "bad-tick",
					"tick must be given once; got " + values.size() + " values: " + String.join(", ", values) + ".");
		}
		long millis;
		try {
			millis = Long.parseLong(value.trim());
		}
		catch (NumberFormatException ex) {
			millis = -1;
		}
		if (millis < this.min.toMillis() || millis > this.max.toMillis()) {
			return this.refusal.refuse(request, response, HttpStatus.BAD_REQUEST, "bad-tick",
					"tick must be a whole number of milliseconds from " + this.min.toMillis() + " to "
							+ this.max.toMillis() + "; got \"" + value + "\".");
		}
		attributes.put(ATTRIBUTE, Duration.ofMillis(millis));
		return true;
	}

	@Override
	public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
			Exception exception) {
	}

	/** The interval the session asked for at its handshake, or {@code null}. */
	static Duration intervalOf(WebSocketSession session) {
		return (Duration) session.getAttributes().get(ATTRIBUTE);
	}

}
