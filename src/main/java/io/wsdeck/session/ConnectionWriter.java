package io.wsdeck.session;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.WebSocketSessionDecorator;

/**
 * The bottom of a session's send path: {@link ManagedSession} calls it, one writer at a time, exactly when a
 * message is written to the connection. That makes it the one place that knows what has really left: it counts
 * outbound traffic, settles the bytes {@link ManagedSession} accepted but had not yet written, and knows how long
 * the write in progress has been blocked.
 */
final class ConnectionWriter extends WebSocketSessionDecorator {

	private static final Logger log = LoggerFactory.getLogger(ConnectionWriter.class);

	private final Endpoint endpoint;

	private final SessionObserver observer;

	private final Traffic traffic = new Traffic();

	private final MessageSize.Memo sizes = new MessageSize.Memo();

	private final AtomicLong outstanding = new AtomicLong();

	/**
	 * Bytes of the outbound message being written, across its fragments; writes are serialised. Volatile for the
	 * closing thread, which reports a message cut short.
	 */
	private volatile long messageBytes;

	private volatile MessageKind messageKind;

	/** {@link System#nanoTime()} when the write in progress started, or {@link #IDLE}. */
	private volatile long sendStartedNanos = IDLE;

	/** The thread doing the write in progress, or {@code null}. */
	private volatile Thread writingThread;

	/** Whether {@link #abandon} has interrupted the write in progress; guarded by {@code this}. */
	private boolean abandoned;

	private static final long IDLE = Long.MIN_VALUE;

	ConnectionWriter(WebSocketSession container, Endpoint endpoint, SessionObserver observer) {
		super(container);
		this.endpoint = endpoint;
		this.observer = observer;
	}

	@Override
	public void sendMessage(WebSocketMessage<?> message) throws IOException {
		// Size first: Tomcat consumes a binary payload's buffer as it writes it.
		long length = this.sizes.of(message);
		this.writingThread = Thread.currentThread();
		this.sendStartedNanos = System.nanoTime();
		try {
			getDelegate().sendMessage(message);
		}
		finally {
			this.sendStartedNanos = IDLE;
			writeEnded();
			written(length);
		}
		MessageKind kind = MessageKind.of(message);
		if (kind == null) {
			return; // a ping or pong: not traffic
		}
		this.traffic.sent(length, message.isLast());
		if (message.isLast()) {
			this.observer.sent(this.endpoint, kind, this.messageBytes + length);
			if (log.isDebugEnabled()) {
				log.debug("Session {} sent a {} message of {} bytes", getId(), kind.tag(), this.messageBytes + length);
			}
			this.messageBytes = 0;
		}
		else {
			this.messageBytes += length;
			this.messageKind = kind;
		}
	}

	/** The interrupt {@link #abandon} sent for this write must not reach what the thread does next. */
	private synchronized void writeEnded() {
		this.writingThread = null;
		if (this.abandoned) {
			this.abandoned = false;
			Thread.interrupted();
		}
	}

	/**
	 * Fails the write in progress on another thread, once the connection under it has been closed. Tomcat's blocking
	 * write waits for the socket to take more bytes or for its timeout, and closing the socket wakes neither: without
	 * this a write to a client that stopped reading holds its thread (a push sender, a lab flood's, a container
	 * thread) for up to the send-time limit after the session has ended, and shutdown waits for the lab's. Tomcat
	 * takes an interrupted write for a timed-out one: the send fails with an {@link IOException}.
	 */
	synchronized void abandon() {
		Thread writing = this.writingThread;
		if (writing != null && writing != Thread.currentThread()) {
			this.abandoned = true;
			writing.interrupt();
		}
	}

	void accepted(long bytes) {
		this.outstanding.addAndGet(bytes);
	}

	void written(long bytes) {
		this.outstanding.addAndGet(-bytes);
	}

	/**
	 * How long the write the calling thread is doing has been blocked, in milliseconds; 0 if it is doing none. Tomcat
	 * fails a write that timed out, and closes the session, inside that write and on its thread.
	 */
	long blockedMillisOnThisThread() {
		long started = this.sendStartedNanos;
		return (started == IDLE || this.writingThread != Thread.currentThread()) ? 0
				: TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
	}

	boolean isWriting() {
		return this.sendStartedNanos != IDLE;
	}

	long outstandingBytes() {
		return this.outstanding.get();
	}

	/** When the session has ended: reports the fragments of a message it was in the middle of sending. */
	void reportCutShort() {
		long bytes = this.messageBytes;
		if (bytes > 0) {
			this.observer.cutShort(this.endpoint, this.messageKind, false, bytes);
		}
	}

	MessageSize.Memo sizes() {
		return this.sizes;
	}

	Traffic traffic() {
		return this.traffic;
	}

}
