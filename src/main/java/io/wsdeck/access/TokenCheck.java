package io.wsdeck.access;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.wsdeck.handshake.HandshakeRefusal;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;

/**
 * The optional handshake token ({@code wsdeck.access.token}): {@code Authorization: Bearer <token>}, or
 * {@code ?access_token=<token>} because a browser's {@code new WebSocket(url)} cannot set headers. Wrong or
 * missing gets 401. The token is never logged (refusals log the path, not the query).
 */
public class TokenCheck implements HandshakeInterceptor {

	static final String QUERY_PARAMETER = "access_token";

	private final HandshakeRefusal refusal;

	private final BearerToken token;

	public TokenCheck(HandshakeRefusal refusal, String token) {
		this.refusal = refusal;
		this.token = new BearerToken(token);
	}

	@Override
	public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
			Map<String, Object> attributes) throws Exception {
		String presented = presented(request);
		if (this.token.matches(presented)) {
			return true;
		}
		response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"wsdeck\"");
		return this.refusal.refuse(request, response, HttpStatus.UNAUTHORIZED, presented == null ? "no-token" : "bad-token",
				(presented == null ? "A token is required" : "The token is wrong")
						+ ": send Authorization: Bearer <token>, or ?access_token=<token> from a browser.");
	}

	@Override
	public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
			Exception exception) {
	}

	private static String presented(ServerHttpRequest request) {
		String bearer = BearerToken.fromAuthorization(request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION));
		if (bearer != null) {
			return bearer;
		}
		String query = UriComponentsBuilder.fromUri(request.getURI()).build(true).getQueryParams().getFirst(QUERY_PARAMETER);
		return query == null ? null : UriUtils.decode(query, StandardCharsets.UTF_8);
	}

}
