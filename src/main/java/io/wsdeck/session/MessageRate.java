package io.wsdeck.session;

/**
 * The optional per-session message rate limit, counted in one-second windows. Touched only by the container's
 * read path, one thread at a time per session.
 */
final class MessageRate {

	private static final long SECOND = 1_000_000_000L;

	private final int maxPerSecond;

	private long windowStart = System.nanoTime();

	private int count;

	MessageRate(int maxPerSecond) {
		this.maxPerSecond = maxPerSecond;
	}

	/** Counts one whole message; {@code false} if it is one too many for this second. */
	boolean admit() {
		if (this.maxPerSecond <= 0) {
			return true;
		}
		long now = System.nanoTime();
		if (now - this.windowStart >= SECOND) {
			this.windowStart = now;
			this.count = 0;
		}
		return ++this.count <= this.maxPerSecond;
	}

	int maxPerSecond() {
		return this.maxPerSecond;
	}

}
