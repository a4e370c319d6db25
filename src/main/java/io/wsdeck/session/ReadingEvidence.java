package io.wsdeck.session;

/**
 * What the heartbeat's sweeps can tell of a client's life besides its pongs, read once a sweep (only the sweep
 * calls it, one at a time).
 * <ul>
 * <li>A client that sends is alive.</li>
 * <li>A write in progress is not the heartbeat's to judge: pings wait for it, and a client that does not make room
 * for it is dropped at its send-time limit.</li>
 * <li>A write that was still going at one sweep and is over at a later one waited for the client to make room, and
 * got it: the client reads. Its pongs now come behind what the socket buffers still hold, megabytes on a fast
 * network, which a slow reader takes a while to get through. So it counts as alive for as long as it would take,
 * at the pace it read while the write waited, to read everything sent since the sweep before the wait (no less than
 * the send-time limit, which wsdeck lets any write wait, and no more than three times the wait, so that a pace
 * measured over a short wait cannot stretch it far).</li>
 * <li>Bytes that merely left, into buffers that had room (a tick, a small broadcast), show nothing: a peer that
 * vanished without a FIN takes them too, until the buffers fill. A client that only receives pushes must answer the
 * pings.</li>
 * </ul>
 */
final class ReadingEvidence {

	private final long minGraceNanos;

	private long inAtLastSweep;

	private long outAtLastSweep;

	private boolean writingAtLastSweep;

	/** When a sweep first found the write in progress, and the bytes sent by then and by the sweep before. */
	private long waitStartedNanos;

	private long outWhenWaitStarted;

	private long outBeforeWait;

	private boolean inGrace;

	private long graceEndsNanos;

	/** @param minGraceNanos the least a client that made room for a write counts as alive after it */
	ReadingEvidence(long minGraceNanos) {
		this.minGraceNanos = minGraceNanos;
	}

	/**
	 * @param bytesIn bytes received from the client so far
	 * @param bytesOut bytes of data sent to it so far (a write counts once it is over)
	 * @param writing whether a write to the client is in progress
	 * @param nowNanos {@link System#nanoTime()}
	 * @return whether the client has shown it is alive since the last sweep, or is still reading what it was sent
	 */
	boolean showsLife(long bytesIn, long bytesOut, boolean writing, long nowNanos) {
		boolean sent = bytesIn != this.inAtLastSweep;
		this.inAtLastSweep = bytesIn;
		if (writing && !this.writingAtLastSweep) {
			this.waitStartedNanos = nowNanos;
			this.outWhenWaitStarted = bytesOut;
			this.outBeforeWait = this.outAtLastSweep;
		}
		else if (!writing && this.writingAtLastSweep) { // the write that waited is over: the client made room
			this.inGrace = true;
			this.graceEndsNanos = nowNanos + grace(nowNanos - this.waitStartedNanos,
					bytesOut - this.outWhenWaitStarted, bytesOut - this.outBeforeWait);
		}
		else if (this.inGrace && nowNanos - this.graceEndsNanos >= 0) {
			this.inGrace = false;
		}
		this.outAtLastSweep = bytesOut;
		this.writingAtLastSweep = writing;
		return sent || writing || this.inGrace;
	}

	/**
	 * @param waitedNanos how long the sweeps saw the write going
	 * @param readMeanwhile bytes the client made room for meanwhile
	 * @param sentSinceBefore bytes sent since the sweep before the wait, which the buffers may still hold
	 */
	private long grace(long waitedNanos, long readMeanwhile, long sentSinceBefore) {
		long grace = this.minGraceNanos;
		if (readMeanwhile > 0 && waitedNanos > 0) {
			double toReadAll = (double) sentSinceBefore / readMeanwhile * waitedNanos;
			grace = Math.max(grace, (long) Math.min(toReadAll, 3.0 * waitedNanos));
		}
		return grace;
	}

}
