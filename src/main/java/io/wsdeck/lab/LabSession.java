package io.wsdeck.lab;

import java.io.IOException;
import java.time.Duration;

import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;

/** What the lab keeps per session: its outbox, its echo delay, and the message it is receiving. */
final class LabSession {

	private final WebSocketSession session;

	private final Outbox outbox;

	private final Reassembly reassembly;

	/** Read and written by the container's read path only. */
	private Duration delay = Duration.ZERO;

	LabSession(WebSocketSession session, Outbox outbox, Reassembly reassembly) {
		this.session = session;
		this.outbox = outbox;
		this.reassembly = reassembly;
	}

	WebSocketSession session() {
		return this.session;
	}

	Reassembly reassembly() {
		return this.reassembly;
	}

	/**
	 * Queues the answer to a message that has just arrived. A new delay takes effect here, on arrival, not when its
	 * acknowledgement is sent: the next echo may arrive while a flood is still going out, and must already be
	 * delayed.
	 * @param bytes what the command holds while it waits (an echo's payload)
	 * @return {@code false} if the outbox is full
	 */
	boolean accept(Command command, long bytes) {
		long due = System.nanoTime();
		if (command instanceof Delay change) {
			this.delay = change.delay();
		}
		else if (command instanceof Echo) {
			due += this.delay.toNanos();
		}
		return this.outbox.add(() -> command.run(this), due, bytes);
	}

	/** A text answer, on the session's reply lane. */
	void reply(String text) throws IOException {
		this.session.sendMessage(new TextMessage(text));
	}

	Outbox outbox() {
		return this.outbox;
	}

	void close() {
		this.outbox.close();
	}

}
