package io.wsdeck.session;

import org.apache.tomcat.websocket.WsSession;

import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;

/** Tomcat's own session under Spring's adapter, for what only Tomcat's API can set or tell. */
final class TomcatSessions {

	private TomcatSessions() {
	}

	/** Tomcat's session, or {@code null} if there is none (a test double, say). */
	static WsSession of(WebSocketSession container) {
		return (container instanceof NativeWebSocketSession nativeSession
				&& nativeSession.getNativeSession() instanceof WsSession tomcat) ? tomcat : null;
	}

	/**
	 * Whether Tomcat's session carries this user property: a mark wsdeck's copy of Tomcat's frame parser leaves.
	 * {@code false} once Tomcat calls the session closed, when it refuses to show its properties.
	 */
	static boolean isMarked(WebSocketSession container, String mark) {
		WsSession tomcat = of(container);
		try {
			return tomcat != null && tomcat.getUserProperties().containsKey(mark);
		}
		catch (IllegalStateException ex) {
			return false;
		}
	}

}
