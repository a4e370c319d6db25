package io.wsdeck.session;

/**
 * Messages and bytes one session has carried, for its close log line. Each direction has one writer at a time:
 * inbound the container's read path, outbound {@link ConnectionWriter}, which {@link ManagedSession} calls under
 * its write lock. So plain volatile fields do, and whoever reads them (the close log) sees the latest counts.
 */
public final class Traffic {

	private volatile long messagesIn;

	private volatile long bytesIn;

	private volatile long messagesOut;

	private volatile long bytesOut;

	void received(long bytes, boolean endOfMessage) {
		this.bytesIn += bytes; // single reader thread at a time, so no lost updates
		if (endOfMessage) {
			this.messagesIn++;
		}
	}

	void sent(long bytes, boolean endOfMessage) {
		this.bytesOut += bytes; // one writer at a time, so no lost updates
		if (endOfMessage) {
			this.messagesOut++;
		}
	}

	public long messagesIn() {
		return this.messagesIn;
	}

	public long bytesIn() {
		return this.bytesIn;
	}

	public long messagesOut() {
		return this.messagesOut;
	}

	public long bytesOut() {
		return this.bytesOut;
	}

	@Override
	public String toString() {
		return "in " + messagesIn() + " msgs/" + bytesIn() + " B, out " + messagesOut() + " msgs/" + bytesOut() + " B";
	}

}
