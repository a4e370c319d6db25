package io.wsdeck.session;

import java.util.concurrent.atomic.LongAdder;

/**
 * Messages and bytes one session has carried, for its close log line. Inbound is counted by the container's
 * read path (one thread at a time per session); outbound by whoever sends (echo, ticks, broadcasts at once).
 */
public final class Traffic {

	private volatile long messagesIn;

	private volatile long bytesIn;

	private final LongAdder messagesOut = new LongAdder();

	private final LongAdder bytesOut = new LongAdder();

	void received(long bytes, boolean endOfMessage) {
		this.bytesIn += bytes; // single reader thread at a time, so no lost updates
		if (endOfMessage) {
			this.messagesIn++;
		}
	}

	void sent(long bytes, boolean endOfMessage) {
		this.bytesOut.add(bytes);
		if (endOfMessage) {
			this.messagesOut.increment();
		}
	}

	public long messagesIn() {
		return this.messagesIn;
	}

	public long bytesIn() {
		return this.bytesIn;
	}

	public long messagesOut() {
		return this.messagesOut.sum();
	}

	public long bytesOut() {
		return this.bytesOut.sum();
	}

	@Override
	public String toString() {
		return "in " + messagesIn() + " msgs/" + bytesIn() + " B, out " + messagesOut() + " msgs/" + bytesOut() + " B";
	}

}
