package io.wsdeck.session;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.StringJoiner;

import org.apache.tomcat.websocket.WsFrameBase;
import org.apache.tomcat.websocket.WsSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PongMessage;
import org.springframework.web.socket.WebSocketExtension;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.WebSocketHandlerDecorator;

/**
 * Wraps an endpoint's handler: gives it a {@link ManagedSession} instead of the container's session, keeps the
 * {@link SessionRegistry} current, enforces the message size limit, and writes the open, close and per-message
 * log lines. Large messages arrive as fragments ({@link #supportsPartialMessages()}), so no session ever needs a
 * buffer the size of the largest message.
 */
public final class ManagedSessionHandler extends WebSocketHandlerDecorator {

	private static final Logger log = LoggerFactory.getLogger(ManagedSessionHandler.class);

	private final Endpoint endpoint;

	/**
	 * Where a container session keeps its managed wrapper: an attribute lookup by a constant key costs less on
	 * every message than the registry's lookup by session id.
	 */
	private static final String MANAGED = ManagedSession.class.getName();

	/** The I/O failure that ended the connection, for the close line that follows it. */
	private static final String CONNECTION_FAILURE = "io.wsdeck.connectionFailure";

	/** Tomcat reads this per session: how long a blocking write may wait on a client that does not read. */
	private static final String BLOCKING_SEND_TIMEOUT = "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";

	/**
	 * A mark (a user property of Tomcat's session) for a close the server sent past {@link ManagedSession}, on
	 * Tomcat's own session: the lab's {@code close-raw} and {@code drop}, which Spring's API cannot express. The
	 * close line then says "by server", as for wsdeck's other closes.
	 */
	public static final String CLOSED_PAST_THE_SESSION = "io.wsdeck.closedPastTheSession";

	private final SessionRegistry registry;

	private final SessionSupport support;

	private final SessionObserver observer;

	public ManagedSessionHandler(WebSocketHandler delegate, Endpoint endpoint, SessionSupport support) {
		super(delegate);
		this.endpoint = endpoint;
		this.support = support;
		this.registry = support.registry();
		this.observer = support.observer();
	}

	@Override
	public void afterConnectionEstablished(WebSocketSession container) throws Exception {
		ManagedSession session = new ManagedSession(container, this.endpoint, this.support);
		configureTomcatSession(container, session);
		this.registry.add(session);
		container.getAttributes().put(MANAGED, session);
		this.observer.opened(this.endpoint);
		log.info("Opened session {} on {} from {}, path {}, subprotocol {}, extensions {}", session.getId(),
				this.endpoint.tag(), session.getRemoteAddress(), session.getUri() != null ? session.getUri().getPath() : "?",
				orNone(session.getAcceptedProtocol()), describe(session.getExtensions()));
		guarded(session, () -> getDelegate().afterConnectionEstablished(session));
		session.opened(); // pushes may go out now, after the greeting
	}

	@Override
	public void handleMessage(WebSocketSession container, WebSocketMessage<?> message) throws Exception {
		ManagedSession session = managed(container);
		if (session == null) {
			return; // already closed; the container may still hand over what was in flight
		}
		MessageKind kind = MessageKind.of(message);
		if (message instanceof PongMessage) {
			session.pongReceived();
		}
		if (kind != null) {
			InboundMessage inbound = session.inbound();
			long size = inbound.add(message, kind);
			boolean overLimit = inbound.overLimit();
			// After wsdeck's own close, what still arrives (the rest of a message refused at its frame header, say)
			// is read and dropped: no data may follow a close frame. Unless the close waits for the echo of the
			// message under way (shutdown, say): the rest of that message is still echoed.
			boolean dropped = session.closeSent() != null && !session.finishesReply();
			// Received off the wire even when over the limit or dropped, as wsdeck.bytes counts it; not a message
			session.traffic().received(size, message.isLast() && !overLimit && !dropped);
			if (dropped) {
				return;
			}
			if (overLimit) {
				session.closeQuietly(inbound.tooBig(0));
				return;
			}
			session.dataReceived();
			if (message.isLast()) {
				this.observer.received(this.endpoint, kind, inbound.bytes());
				if (log.isDebugEnabled()) {
					// Parts, not frames: Tomcat hands a frame larger than its buffer over in several
					log.debug("Session {} received a {} message of {} bytes in {} part(s)", session.getId(),
							kind.tag(), inbound.bytes(), inbound.fragments());
				}
				inbound.reset();
				if (!session.rate().admit()) {
					session.closeQuietly(CloseStatus.POLICY_VIOLATION.withReason("rate limit: more than "
							+ session.rate().maxPerSecond() + " messages a second (wsdeck.limits.max-messages-per-second)"));
					return;
				}
			}
		}
		guarded(session, () -> getDelegate().handleMessage(session, message));
	}

	@Override
	public void handleTransportError(WebSocketSession container, Throwable exception) throws Exception {
		ManagedSession session = managed(container);
		if (exception instanceof IOException
				&& (session == null || !session.connectionFailed(Thread.currentThread()))) {
			// Once the server's close frame is out (the close line says how the session ended): a client that dropped
			// the connection instead of answering it. At INFO it read as a second failure of a closed session.
			log.debug("Session {} dropped its connection after the close: {}", container.getId(), exception.toString());
		}
		else if (exception instanceof IOException) {
			// The peer went away: the close line that follows says so, one line per session rather than two
			container.getAttributes().put(CONNECTION_FAILURE, exception.toString());
		}
		else {
			log.warn("Transport error on session {}: {}", container.getId(), exception.toString());
		}
		getDelegate().handleTransportError(session != null ? session : container, exception);
	}

	@Override
	public void afterConnectionClosed(WebSocketSession container, CloseStatus status) throws Exception {
		ManagedSession session = (ManagedSession) container.getAttributes().remove(MANAGED);
		Object failure = container.getAttributes().remove(CONNECTION_FAILURE);
		CloseStatus closed = status;
		if (session != null) {
			closed = asReceived(container, session, session.closedAs(status)); // before ended() drops the queue
			session.ended();
		}
		// Only once the status is final: whoever sees the session gone from the registry can read how it ended.
		this.registry.remove(container);
		releaseResources(container);
		if (session == null) {
			return;
		}
		Duration open = Duration.between(session.openedAt(), Instant.now());
		boolean byServer = session.closedByServer(closed);
		String line = "Closed session {} on {}: {} \"{}\" by {} after {} ms{}; {}";
		Object[] values = { session.getId(), this.endpoint.tag(), closed.getCode(),
				(closed.getReason() != null) ? closed.getReason() : "", byServer ? "server" : "client",
				open.toMillis(), (failure != null) ? " (connection failed: " + failure + ")" : "", session.traffic() };
		if (isExpected(closed, byServer) || session.endedAsAsked(closed)) {
			log.info(line, values);
		}
		else {
			log.warn(line, values);
		}
		session.reportCutShort(this.observer);
		this.observer.closed(this.endpoint, closed, open);
		getDelegate().afterConnectionClosed(session, closed);
	}

	@Override
	public boolean supportsPartialMessages() {
		return true;
	}

	private static ManagedSession managed(WebSocketSession container) {
		return (ManagedSession) container.getAttributes().get(MANAGED);
	}

	/** Quota slots and the like, taken at the handshake, go back however the session ended. */
	private static void releaseResources(WebSocketSession container) {
		for (Object value : container.getAttributes().values()) {
			if (value instanceof ReleasedOnClose resource) {
				resource.release();
			}
		}
	}

	/**
	 * A client's close frame without a body: Tomcat reports it, and answers it, as 1000; RFC 6455 7.1.5 says the code
	 * received is then 1005. (The client's own close event shows the 1000 it received in answer.)
	 */
	private static CloseStatus asReceived(WebSocketSession container, ManagedSession session, CloseStatus status) {
		boolean withoutCode = TomcatSessions.isMarked(container, WsFrameBase.CLOSED_WITHOUT_CODE);
		return (withoutCode && session.closeSent() == null && status.getCode() == CloseStatus.NORMAL.getCode())
				? CloseStatus.NO_STATUS_CODE : status;
	}

	/**
	 * What only Tomcat's own session takes. The blocking-send timeout: without it, a write to a client that stopped
	 * reading blocks for Tomcat's default 20 s; with it, for the configured send-time limit, after which Tomcat fails
	 * the write and closes the connection, and the close is reported as the slow consumer's
	 * ({@link ManagedSession#closedAs}). And the hooks wsdeck's copy of Tomcat's frame parser calls: a frame that
	 * declares more than the size limit, a ping whose answer would wait behind a write, a close to be answered after
	 * the replies before it.
	 */
	private void configureTomcatSession(WebSocketSession container, ManagedSession session) {
		WsSession tomcat = TomcatSessions.of(container);
		if (tomcat != null) {
			tomcat.getUserProperties().put(BLOCKING_SEND_TIMEOUT, this.support.settings().sendTimeLimit().toMillis());
			tomcat.getUserProperties().put(WsFrameBase.HOOKS, session.frameParserHooks());
		}
	}

	/**
	 * A handler failure closes only its own session, with 1011 and a reason the client can read. A failed write
	 * is not a handler failure: the connection is gone, Tomcat has closed the session, and there is no one to
	 * tell.
	 */
	private void guarded(ManagedSession session, HandlerCall call) {
		try {
			call.run();
		}
		catch (IOException ex) {
			log.info("Session {} lost its connection while sending: {}", session.getId(), ex.toString());
		}
		catch (Exception ex) {
			log.warn("Handler failed on session {}", session.getId(), ex);
			session.closeQuietly(CloseStatus.SERVER_ERROR.withReason("internal error: " + ex.getClass().getSimpleName()));
		}
	}

	/**
	 * Normal closes, and codes a client picks for its own reasons (3000-4999, RFC 6455 7.4.2), are not problems;
	 * protocol errors, abnormal drops and every error close wsdeck sends are. 1005 is normal from a client (a close
	 * without a code); a server never sends it but by the lab's {@code close-raw}. 1012 from a client (a service that
	 * connects to wsdeck restarting) is planned; 1011, 1013 and 1014 from a client still say something failed.
	 */
	private static boolean isExpected(CloseStatus status, boolean byServer) {
		if (byServer) {
			return status.getCode() != CloseStatus.NO_STATUS_CODE.getCode() && ManagedSession.isNormal(status);
		}
		return ManagedSession.isNormal(status) || status.getCode() == CloseStatus.SERVICE_RESTARTED.getCode()
				|| (status.getCode() >= 3000 && status.getCode() <= 4999);
	}

	/**
	 * As the handshake's answer wrote them ({@code permessage-deflate;server_no_context_takeover}); Spring's
	 * {@code toString} writes a parameter without a value as {@code =null}.
	 */
	static String describe(List<WebSocketExtension> extensions) {
		if (extensions.isEmpty()) {
			return "none";
		}
		StringJoiner all = new StringJoiner(", ");
		for (WebSocketExtension extension : extensions) {
			StringBuilder one = new StringBuilder(extension.getName());
			extension.getParameters()
				.forEach((name, value) -> one.append(';').append(name).append((value != null) ? "=" + value : ""));
			all.add(one);
		}
		return all.toString();
	}

	private static String orNone(String value) {
		return value == null || value.isEmpty() ? "none" : value;
	}

	@FunctionalInterface
	private interface HandlerCall {

		void run() throws Exception;

	}

}
