package io.wsdeck.lab;

import java.lang.reflect.Field;

import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCode;
import jakarta.websocket.CloseReason.CloseCodes;
import io.wsdeck.session.ManagedSessionHandler;
import org.apache.tomcat.websocket.WsRemoteEndpointImplBase;
import org.apache.tomcat.websocket.WsSession;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;
import org.springframework.web.socket.handler.WebSocketSessionDecorator;

/**
 * The two lab behaviours Spring's API cannot express, done on Tomcat's own session ({@link WsSession}):
 * <ul>
 * <li>a close frame with any code, including those RFC 6455 7.4 forbids on the wire. Spring's {@link CloseStatus}
 * and the Jakarta {@code CloseCodes.getCloseCode} refuse them, but Tomcat writes whatever {@link CloseCode} it is
 * given (it only rewrites its own {@code CLOSED_ABNORMALLY} constant), and {@link WsSession#doClose(CloseReason,
 * CloseReason)} lets the code on the wire differ from the one the server's handler is told;</li>
 * <li>a dropped connection: no public Tomcat call closes the socket without first sending a close frame, so this
 * reads the session's private remote endpoint, whose public {@code close()} closes the socket, and only then lets
 * the session close itself, so its attempt at a close frame finds no socket and the handler hears 1006.</li>
 * </ul>
 * Pinned by {@code LabCommandsTest}: a Tomcat upgrade that renames the field makes {@code drop} answer an error, and
 * that test fail.
 */
final class TomcatConnection {

	private static final Field REMOTE_ENDPOINT = remoteEndpointField();

	private TomcatConnection() {
	}

	/**
	 * Sends a close frame with {@code code} (0 to 65535) and waits for the client's close, as after any close.
	 * The server's own handler (and so its close line) is told {@code code} and {@code reason} if the code is one
	 * the Jakarta API can represent (1000-1015 or 3000-4999); else 1002, the server having broken the protocol on
	 * purpose, with a reason that says which code went out.
	 */
	static void closeWithAnyCode(WebSocketSession session, int code, String reason) {
		CloseCode wire = () -> code;
		CloseCode local = localCode(code);
		String localReason = (local.getCode() == code) ? reason
				: "close-raw sent code " + code + (reason.isEmpty() ? "" : ": " + reason);
		WsSession tomcat = closedPastTheSession(session);
		tomcat.doClose(new CloseReason(wire, reason), new CloseReason(local, localReason));
	}

	private static CloseCode localCode(int code) {
		try {
			return CloseCodes.getCloseCode(code);
		}
		catch (IllegalArgumentException ex) { // 0-999, 1016-2999, 5000 and up: no constant for them
			return CloseCodes.PROTOCOL_ERROR;
		}
	}

	/** Whether this Tomcat has the field {@link #drop} needs. */
	static boolean canDrop() {
		return REMOTE_ENDPOINT != null;
	}

	/**
	 * Closes the TCP connection without a close frame; the client sees the stream end (1006 in a browser). Tomcat's
	 * session is then closed as {@code as}.
	 */
	static void drop(WebSocketSession session, CloseStatus as) {
		WsSession tomcat = closedPastTheSession(session);
		try {
			((WsRemoteEndpointImplBase) REMOTE_ENDPOINT.get(tomcat)).close();
		}
		catch (IllegalAccessException ex) {
			throw new IllegalStateException("drop could not reach the connection", ex);
		}
		CloseReason dropped = new CloseReason(CloseCodes.getCloseCode(as.getCode()), as.getReason());
		tomcat.doClose(dropped, dropped, true);
	}

	/** Tomcat's session, marked so that the close line says the server closed it. */
	private static WsSession closedPastTheSession(WebSocketSession session) {
		WsSession tomcat = tomcatSession(session);
		tomcat.getUserProperties().put(ManagedSessionHandler.CLOSED_PAST_THE_SESSION, Boolean.TRUE);
		return tomcat;
	}

	private static WsSession tomcatSession(WebSocketSession session) {
		if (WebSocketSessionDecorator.unwrap(session) instanceof NativeWebSocketSession nativeSession
				&& nativeSession.getNativeSession() instanceof WsSession tomcat) {
			return tomcat;
		}
		throw new IllegalStateException("not a session of Tomcat's WebSocket container: " + session);
	}

	private static Field remoteEndpointField() {
		try {
			Field field = WsSession.class.getDeclaredField("wsRemoteEndpoint");
			field.setAccessible(true);
			return WsRemoteEndpointImplBase.class.isAssignableFrom(field.getType()) ? field : null;
		}
		catch (NoSuchFieldException | RuntimeException ex) {
			return null;
		}
	}

}
