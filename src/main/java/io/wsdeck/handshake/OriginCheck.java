package io.wsdeck.handshake;

import java.util.List;
import java.util.Map;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.support.OriginHandshakeInterceptor;

/**
 * Spring's origin check (same origin always passes; others must match {@code wsdeck.endpoints.allowed-origins}),
 * with wsdeck's refusal: a 403 whose body names the origin and the setting, counted and logged.
 */
public class OriginCheck extends OriginHandshakeInterceptor {

	private final HandshakeRefusal refusal;

	public OriginCheck(HandshakeRefusal refusal, List<String> allowedOriginPatterns) {
		this.refusal = refusal;
		setAllowedOriginPatterns(allowedOriginPatterns);
	}

	@Override
	public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
			Map<String, Object> attributes) throws Exception {
		if (super.beforeHandshake(request, response, wsHandler, attributes)) {
			return true;
		}
		return this.refusal.refuse(request, response, HttpStatus.FORBIDDEN, "origin", "Origin "
				+ request.getHeaders().getFirst(HttpHeaders.ORIGIN) + " is not allowed (wsdeck.endpoints.allowed-origins).");
	}

}
