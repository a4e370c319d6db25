package io.wsdeck.session;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.WebSocketSessionDecorator;

/**
 * The bottom of a session's send path: the concurrent decorator calls it exactly when a message is written to the
 * connection, by whichever thread holds the write. That makes it the one place that knows what has really left:
 * it counts outbound traffic and settles the bytes {@link ManagedSession} accepted but had not yet written.
 */
final class ConnectionWriter extends WebSocketSessionDecorator {

	private final Endpoint endpoint;

	private final SessionObserver observer;

	private final Traffic traffic = new Traffic();

	private final MessageSize.Memo sizes = new MessageSize.Memo();

	private final AtomicLong outstanding = new AtomicLong();

	/** Bytes of the outbound message being written, across its fragments; writes are serialised. */
	private long messageBytes;

	ConnectionWriter(WebSocketSession container, Endpoint endpoint, SessionObserver observer) {
		super(container);
		this.endpoint = endpoint;
		this.observer = observer;
	}

	@Override
	public void sendMessage(WebSocketMessage<?> message) throws IOException {
		// Size first: Tomcat consumes a binary payload's buffer as it writes it.
		long length = this.sizes.of(message);
		try {
			getDelegate().sendMessage(message);
		}
		finally {
			written(length);
		}
		MessageKind kind = MessageKind.of(message);
		if (kind == null) {
			return; // a ping or pong: not traffic
		}
		this.traffic.sent(length, message.isLast());
		this.messageBytes += length;
		this.observer.sent(this.endpoint, kind, length, message.isLast() ? this.messageBytes : -1);
		if (message.isLast()) {
			this.messageBytes = 0;
		}
	}

	void accepted(long bytes) {
		this.outstanding.addAndGet(bytes);
	}

	void written(long bytes) {
		this.outstanding.addAndGet(-bytes);
	}

	long outstandingBytes() {
		return this.outstanding.get();
	}

	MessageSize.Memo sizes() {
		return this.sizes;
	}

	Traffic traffic() {
		return this.traffic;
	}

}
