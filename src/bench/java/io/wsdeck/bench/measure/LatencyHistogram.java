package io.wsdeck.bench.measure;

/**
 * Latencies in nanoseconds, counted in buckets 1/64 of a power of two wide, so any percentile is right within
 * 1%, at a fixed 30 KiB per histogram and no allocation per value.
 */
final class LatencyHistogram {

	private static final int SUB_BUCKET_BITS = 6;

	private static final int SUB_BUCKETS = 1 << SUB_BUCKET_BITS;

	private final long[] counts = new long[SUB_BUCKETS * 60];

	private long total;

	void record(long nanos) {
		this.counts[index(Math.max(0, nanos))]++;
		this.total++;
	}

	void add(LatencyHistogram other) {
		for (int i = 0; i < this.counts.length; i++) {
			this.counts[i] += other.counts[i];
		}
		this.total += other.total;
	}

	long count() {
		return this.total;
	}

	/** The value at {@code percentile} (0-100), in nanoseconds: the middle of its bucket; 0 when empty. */
	long percentile(double percentile) {
		long rank = Math.max(1, (long) Math.ceil(percentile / 100 * this.total));
		long seen = 0;
		for (int i = 0; i < this.counts.length; i++) {
			seen += this.counts[i];
			if (seen >= rank) {
				return middle(i);
			}
		}
		return 0;
	}

	/** Values below 128 count one by one; above, 64 buckets per power of two. */
	static int index(long value) {
		if (value < 2 * SUB_BUCKETS) {
			return (int) value;
		}
		int shift = 63 - Long.numberOfLeadingZeros(value) - SUB_BUCKET_BITS;
		return shift * SUB_BUCKETS + (int) (value >>> shift);
	}

	static long middle(int index) {
		if (index < 2 * SUB_BUCKETS) {
			return index;
		}
		int shift = index / SUB_BUCKETS - 1;
		long low = (long) (index - shift * SUB_BUCKETS) << shift;
		return low + ((1L << shift) >> 1);
	}

}
