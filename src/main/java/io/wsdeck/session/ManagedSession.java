package io.wsdeck.session;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.SessionLimitExceededException;
import org.springframework.web.socket.handler.WebSocketSessionDecorator;

/**
 * One open session as the rest of wsdeck sees it: safe to send to from several threads, and with two lanes.
 * <ul>
 * <li>{@link #sendMessage} is the <em>reply</em> lane: the echo streams large messages back fragment by fragment
 * through it, in order, from the container's read path.</li>
 * <li>{@link #push} is for server-initiated messages (ticks, broadcasts). A push never lands between two fragments
 * of a reply: Spring sends every message through Tomcat's partial-send call, so a push sent mid-reply would
 * silently become part of the echoed text, or kill the session mid-binary. While a reply is open, pushes are held
 * and sent right after its last fragment.</li>
 * </ul>
 * Sends go through Spring's {@link ConcurrentWebSocketSessionDecorator}, which lets one thread write while
 * others queue; a session whose client cannot keep up is closed with 1008, not the decorator's non-standard 4500.
 */
public final class ManagedSession extends WebSocketSessionDecorator {

	private static final Logger log = LoggerFactory.getLogger(ManagedSession.class);

	private final WebSocketSession container;

	private final ConnectionWriter writer;

	private final ConcurrentWebSocketSessionDecorator serialized;

	private final Endpoint endpoint;

	private final Instant openedAt = Instant.now();

	private final long heldLimit;

	private final InboundMessage inbound;

	private final ReentrantLock lane = new ReentrantLock();

	/** Guarded by {@link #lane}: a reply has sent fragments but not its last one. */
	private boolean replyOpen;

	/** Guarded by {@link #lane}: pushes waiting for the open reply to finish. */
	private final Queue<WebSocketMessage<?>> held = new ArrayDeque<>();

	/** Written under {@link #lane}; read by metrics without it. */
	private volatile long heldBytes;

	private volatile CloseStatus closeSent;

	ManagedSession(WebSocketSession container, Endpoint endpoint, SessionSettings settings, SessionObserver observer) {
		this(container, endpoint, settings, new ConnectionWriter(container, endpoint, observer));
	}

	private ManagedSession(WebSocketSession container, Endpoint endpoint, SessionSettings settings,
			ConnectionWriter writer) {
		this(container, endpoint, settings, writer, new ConcurrentWebSocketSessionDecorator(writer,
				Math.toIntExact(settings.sendTimeLimit().toMillis()), settings.sendBufferBytes()));
	}

	private ManagedSession(WebSocketSession container, Endpoint endpoint, SessionSettings settings,
			ConnectionWriter writer, ConcurrentWebSocketSessionDecorator serialized) {
		super(serialized);
		this.container = container;
		this.writer = writer;
		this.serialized = serialized;
		this.endpoint = endpoint;
		this.heldLimit = settings.sendBufferBytes();
		this.inbound = new InboundMessage(settings.maxMessageBytes());
	}

	public Endpoint endpoint() {
		return this.endpoint;
	}

	public Instant openedAt() {
		return this.openedAt;
	}

	public Traffic traffic() {
		return this.writer.traffic();
	}

	/**
	 * Bytes accepted for sending and not yet written to the connection: pushes held behind a reply, messages
	 * queued behind the send in progress, and that send itself (a 10 MB send blocked on a slow client counts
	 * 10 MB until it completes, where the concurrent decorator's own figure already reads 0).
	 */
	public long bufferedBytes() {
		return this.writer.outstandingBytes() + this.heldBytes;
	}

	InboundMessage inbound() {
		return this.inbound;
	}

	/** The close status wsdeck sent, or {@code null} if the client closed first. */
	public CloseStatus closeSent() {
		return this.closeSent;
	}

	/** Reply lane: a whole message or the next fragment of one, in the order the echo produces them. */
	@Override
	public void sendMessage(WebSocketMessage<?> message) throws IOException {
		this.lane.lock();
		try {
			send(message);
			this.replyOpen = !message.isLast();
			if (!this.replyOpen) {
				releaseHeld();
			}
		}
		finally {
			this.lane.unlock();
		}
	}

	/**
	 * Push lane: a whole server-initiated message, sent now or right after the reply in progress.
	 * @return whether the message was sent or queued for this session; {@code false} once it is closing
	 */
	public boolean push(WebSocketMessage<?> message) throws IOException {
		this.lane.lock();
		try {
			if (!isOpen() || this.closeSent != null) {
				return false;
			}
			if (this.replyOpen) {
				hold(message);
				return true;
			}
			return send(message);
		}
		finally {
			this.lane.unlock();
		}
	}

	private void hold(WebSocketMessage<?> message) {
		this.held.add(message);
		this.heldBytes += MessageSize.of(message);
		if (this.heldBytes > this.heldLimit) {
			closeQuietly(CloseStatus.POLICY_VIOLATION.withReason(
					"slow reply: " + this.heldBytes + " bytes of pushes waiting behind an unfinished message"));
		}
	}

	private void releaseHeld() throws IOException {
		WebSocketMessage<?> message;
		while ((message = this.held.poll()) != null) {
			this.heldBytes -= MessageSize.of(message);
			send(message);
		}
	}

	private boolean send(WebSocketMessage<?> message) throws IOException {
		// Read the size first: Tomcat consumes a binary payload's buffer as it writes it.
		long length = MessageSize.of(message);
		this.writer.accepted(length);
		try {
			this.serialized.sendMessage(message);
		}
		catch (SessionLimitExceededException ex) {
			closeQuietly(CloseStatus.POLICY_VIOLATION.withReason(
					"slow consumer: " + this.serialized.getBufferSize() + " bytes buffered"));
			return false;
		}
		catch (IllegalStateException ex) {
			if (isOpen()) {
				throw ex;
			}
			return false; // closed under us: the client sees the close, not a half-sent message
		}
		return true;
	}

	/**
	 * Closes with the given status, straight on the container's session: the concurrent decorator would rewrite
	 * the status to its private 4500 after a limit was exceeded, and clients do not know that code.
	 */
	@Override
	public void close(CloseStatus status) throws IOException {
		if (this.closeSent != null) {
			return;
		}
		this.closeSent = status;
		if (!isNormal(status)) {
			log.warn("Closing session {} ({} {}) with {} \"{}\"", getId(), this.endpoint.tag(), getRemoteAddress(),
					status.getCode(), status.getReason());
		}
		this.container.close(status);
	}

	void closeQuietly(CloseStatus status) {
		try {
			close(status);
		}
		catch (IOException | RuntimeException ex) {
			log.debug("Close of session {} failed: {}", getId(), ex.toString());
		}
	}

	static boolean isNormal(CloseStatus status) {
		return status.getCode() == CloseStatus.NORMAL.getCode() || status.getCode() == CloseStatus.GOING_AWAY.getCode()
				|| status.getCode() == CloseStatus.NO_STATUS_CODE.getCode();
	}

}
