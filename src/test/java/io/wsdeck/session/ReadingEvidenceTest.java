package io.wsdeck.session;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The heartbeat's evidence of life besides pongs, sweep by sweep, on a clock of the test's own. */
class ReadingEvidenceTest {

	private static final long SECOND = 1_000_000_000L;

	private static final long MB = 1_000_000;

	private final ReadingEvidence evidence = new ReadingEvidence(10 * SECOND);

	@Test
	void aClientThatSendsIsAliveAndOneThatStopsIsNot() {
		assertThat(this.evidence.showsLife(100, 0, false, 0)).isTrue();
		assertThat(this.evidence.showsLife(100, 0, false, SECOND)).isFalse();
		assertThat(this.evidence.showsLife(250, 0, false, 2 * SECOND)).isTrue();
	}

	@Test
	void aWriteInProgressIsLeftToItsSendTimeLimit() {
		assertThat(this.evidence.showsLife(0, 0, true, 0)).isTrue();
		assertThat(this.evidence.showsLife(0, 0, true, 30 * SECOND)).isTrue();
	}

	@Test
	void aClientThatMadeRoomForAWriteIsAliveForAtLeastTheSendTimeLimitAfterIt() {
		this.evidence.showsLife(0, 0, true, 0);
		assertThat(this.evidence.showsLife(0, 100, false, SECOND)).as("the write is over: it read").isTrue();
		assertThat(this.evidence.showsLife(0, 100, false, 6 * SECOND)).as("still reading what is buffered").isTrue();
		assertThat(this.evidence.showsLife(0, 100, false, 11 * SECOND)).as("grace over").isFalse();
		assertThat(this.evidence.showsLife(0, 100, false, 12 * SECOND)).isFalse();
	}

	/**
	 * 12 MB sent since the sweep before the wait, 6 MB of which the client made room for over the 20 s the write
	 * waited: at that pace it needs 40 s to read all of it, and the pongs come behind.
	 */
	@Test
	void aSlowReaderIsAliveForAsLongAsItTakesToReadWhatItWasSentAtItsPace() {
		this.evidence.showsLife(0, 0, false, 0);
		this.evidence.showsLife(0, 6 * MB, true, SECOND);
		assertThat(this.evidence.showsLife(0, 12 * MB, false, 21 * SECOND)).isTrue();
		assertThat(this.evidence.showsLife(0, 12 * MB, false, 60 * SECOND)).isTrue();
		assertThat(this.evidence.showsLife(0, 12 * MB, false, 61 * SECOND)).as("40 s after the write").isFalse();
	}

	/** A pace measured over a short wait is not trusted far: three times the wait at most. */
	@Test
	void theGraceIsAtMostThreeTimesTheWait() {
		this.evidence.showsLife(0, 0, false, 0);
		this.evidence.showsLife(0, 4 * MB, true, 4 * SECOND);
		this.evidence.showsLife(0, 4 * MB + 1000, false, 9 * SECOND); // 5 s of waiting, 1,000 bytes of room
		assertThat(this.evidence.showsLife(0, 4 * MB + 1000, false, 23 * SECOND)).isTrue();
		assertThat(this.evidence.showsLife(0, 4 * MB + 1000, false, 24 * SECOND)).as("15 s after the write").isFalse();
	}

	@Test
	void aWriteThatEndsDuringTheGraceStartsItAgain() {
		this.evidence.showsLife(0, 0, true, 0);
		this.evidence.showsLife(0, 100, false, SECOND);
		this.evidence.showsLife(0, 100, true, 9 * SECOND);
		assertThat(this.evidence.showsLife(0, 200, false, 10 * SECOND)).isTrue();
		assertThat(this.evidence.showsLife(0, 200, false, 19 * SECOND)).isTrue();
		assertThat(this.evidence.showsLife(0, 200, false, 20 * SECOND)).isFalse();
	}

	/** Ticks and small broadcasts leave into buffers with room, which a peer that vanished also takes. */
	@Test
	void aSweepThatFindsNoWriteWaitingShowsNothingWhateverLeftMeanwhile() {
		for (int sweep = 0; sweep < 5; sweep++) {
			assertThat(this.evidence.showsLife(0, sweep * 100, false, sweep * SECOND)).isFalse();
		}
	}

}
