package io.wsdeck.session;

/**
 * What the heartbeat's sweeps can tell of a client's life besides its pongs, read once a sweep (only the sweep
 * calls it, one at a time).
 * <ul>
 * <li>A client that sends is alive.</li>
 * <li>A write in progress is not the heartbeat's to judge: pings wait for it, and a client that does not make room
 * for it is dropped at its send-time limit.</li>
 * <li>A write that was still going at one sweep and is over at the next waited for the client to make room, and got
 * it: the client reads. Its pongs now come behind what the socket buffers still hold, megabytes on a fast network,
 * which a slow reader takes a while to get through; so for as long as wsdeck lets any write wait (the send-time
 * limit) after that, the client counts as alive.</li>
 * <li>Bytes that merely left, into buffers that had room (a tick, a small broadcast), show nothing: a peer that
 * vanished without a FIN takes them too, until the buffers fill. A client that only receives pushes must answer the
 * pings.</li>
 * </ul>
 */
final class ReadingEvidence {

	private final long graceNanos;

	private long inAtLastSweep;

	private boolean writingAtLastSweep;

	private boolean inGrace;

	private long graceEndsNanos;

	/** @param graceNanos how long a client that made room for a write still counts as alive after it */
	ReadingEvidence(long graceNanos) {
		this.graceNanos = graceNanos;
	}

	/**
	 * @param bytesIn bytes received from the client so far
	 * @param writing whether a write to the client is in progress
	 * @param nowNanos {@link System#nanoTime()}
	 * @return whether the client has shown it is alive since the last sweep, or is still reading what it was sent
	 */
	boolean showsLife(long bytesIn, boolean writing, long nowNanos) {
		boolean sent = bytesIn != this.inAtLastSweep;
		this.inAtLastSweep = bytesIn;
		boolean madeRoom = this.writingAtLastSweep && !writing;
		this.writingAtLastSweep = writing;
		if (madeRoom) {
			this.inGrace = true;
			this.graceEndsNanos = nowNanos + this.graceNanos;
		}
		else if (this.inGrace && nowNanos - this.graceEndsNanos >= 0) {
			this.inGrace = false;
		}
		return sent || writing || this.inGrace;
	}

}
