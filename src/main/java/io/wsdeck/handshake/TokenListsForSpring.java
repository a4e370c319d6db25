package io.wsdeck.handshake;

import java.util.List;
import java.util.Map;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * Lets a handshake that RFC 6455 allows past Spring's handshake handler, which compares two headers more strictly
 * than section 4.2.1 does: {@code Upgrade} as a whole value ({@code websocket, h2c} is refused) and the
 * {@code Connection} token as {@code Upgrade} or {@code upgrade} only ({@code UPGRADE} is refused). Both are
 * case-insensitive token lists. Spring's refusals are a bare 400 with no log line and no count; by the time this
 * runs, {@link HandshakeValidator} has checked both headers as the RFC reads them.
 * <p>
 * Runs after every other interceptor (the lab records the request as it came), and changes only Spring's view of
 * the request: the values as they came are put back for the session by {@link WsdeckHandshakeHandler}.
 */
public class TokenListsForSpring implements HandshakeInterceptor {

	/** The attribute that carries the values as they came to the upgrade; not kept in the session. */
	static final String AS_SENT = TokenListsForSpring.class.getName() + ".asSent";

	@Override
	public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
			Map<String, Object> attributes) {
		HttpHeaders headers = request.getHeaders();
		boolean upgradeAsSpringReads = "websocket".equalsIgnoreCase(headers.getUpgrade());
		String connection = headers.getFirst(HttpHeaders.CONNECTION);
		if (upgradeAsSpringReads && ("Upgrade".equals(connection) || "upgrade".equals(connection))) {
			return true; // what browsers and most clients send, without splitting the header into a list
		}
		List<String> tokens = headers.getConnection();
		boolean connectionAsSpringReads = tokens.contains("Upgrade") || tokens.contains("upgrade");
		if (upgradeAsSpringReads && connectionAsSpringReads) {
			return true;
		}
		HttpHeaders asSent = new HttpHeaders();
		if (!upgradeAsSpringReads) {
			asSent.put(HttpHeaders.UPGRADE, headers.get(HttpHeaders.UPGRADE));
			headers.set(HttpHeaders.UPGRADE, "websocket");
		}
		if (!connectionAsSpringReads) {
			asSent.put(HttpHeaders.CONNECTION, headers.get(HttpHeaders.CONNECTION));
			headers.set(HttpHeaders.CONNECTION, "Upgrade");
		}
		attributes.put(AS_SENT, asSent);
		return true;
	}

	@Override
	public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
			Exception exception) {
	}

	/** Puts back the values as they came, for the session's copy of the headers; called at the upgrade. */
	static void restore(ServerHttpRequest request, Map<String, Object> attributes) {
		if (attributes.remove(AS_SENT) instanceof HttpHeaders asSent) {
			asSent.forEach(request.getHeaders()::put);
		}
	}

}
