package io.wsdeck.handshake;

import java.util.List;
import java.util.Map;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.handler.AbstractUrlHandlerMapping;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.support.OriginHandshakeInterceptor;
import org.springframework.web.socket.server.support.WebSocketHttpRequestHandler;

import static org.springframework.web.cors.CorsConfiguration.ALL;

/**
 * Spring's origin check (same origin always passes; others must match {@code wsdeck.endpoints.allowed-origins}),
 * with wsdeck's refusal: a 403 whose body names the origin and the setting, counted and logged.
 */
public class OriginCheck extends OriginHandshakeInterceptor {

	private final HandshakeRefusal refusal;

	private final boolean anyOrigin;

	public OriginCheck(HandshakeRefusal refusal, List<String> allowedOriginPatterns) {
		this.refusal = refusal;
		this.anyOrigin = allowedOriginPatterns.contains(ALL);
		setAllowedOriginPatterns(allowedOriginPatterns);
	}

	@Override
	public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
			Map<String, Object> attributes) throws Exception {
		// With "*" (the default) every origin passes; Spring would still parse the Origin header and rebuild the
		// request's URL for its same-origin test first, on every browser's handshake.
		if (this.anyOrigin || super.beforeHandshake(request, response, wsHandler, attributes)) {
			return true;
		}
		return this.refusal.refuse(request, response, HttpStatus.FORBIDDEN, "origin", "Origin "
				+ request.getHeaders().getFirst(HttpHeaders.ORIGIN) + " is not allowed (wsdeck.endpoints.allowed-origins).");
	}

	/**
	 * Takes out the {@link OriginHandshakeInterceptor} that Spring appends to every registration, where an
	 * {@code OriginCheck} with the same patterns has run first: by then the origin has passed, and Spring's copy would
	 * only repeat the test, parsing the Origin header and rebuilding the request URL on every browser's handshake.
	 */
	public static void dropSpringsRepeat(HandlerMapping mapping) {
		if (!(mapping instanceof AbstractUrlHandlerMapping urls)) {
			return;
		}
		for (Object handler : urls.getHandlerMap().values()) {
			if (handler instanceof WebSocketHttpRequestHandler endpoint
					&& endpoint.getHandshakeInterceptors().stream().anyMatch(OriginCheck.class::isInstance)) {
				endpoint.setHandshakeInterceptors(endpoint.getHandshakeInterceptors()
					.stream()
					.filter((interceptor) -> interceptor.getClass() != OriginHandshakeInterceptor.class)
					.toList());
			}
		}
	}

}
