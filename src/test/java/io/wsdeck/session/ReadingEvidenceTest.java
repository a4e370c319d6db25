package io.wsdeck.session;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The heartbeat's evidence of life besides pongs, sweep by sweep, on a clock of the test's own. */
class ReadingEvidenceTest {

	private static final long SECOND = 1_000_000_000L;

	private final ReadingEvidence evidence = new ReadingEvidence(10 * SECOND);

	@Test
	void aClientThatSendsIsAliveAndOneThatStopsIsNot() {
		assertThat(this.evidence.showsLife(100, false, 0)).isTrue();
		assertThat(this.evidence.showsLife(100, false, SECOND)).isFalse();
		assertThat(this.evidence.showsLife(250, false, 2 * SECOND)).isTrue();
	}

	@Test
	void aWriteInProgressIsLeftToItsSendTimeLimit() {
		assertThat(this.evidence.showsLife(0, true, 0)).isTrue();
		assertThat(this.evidence.showsLife(0, true, 30 * SECOND)).isTrue();
	}

	@Test
	void aClientThatMadeRoomForAWriteIsAliveForTheGraceAfterIt() {
		this.evidence.showsLife(0, true, 0);
		assertThat(this.evidence.showsLife(0, false, SECOND)).as("the write is over: it read").isTrue();
		assertThat(this.evidence.showsLife(0, false, 6 * SECOND)).as("still reading what is buffered").isTrue();
		assertThat(this.evidence.showsLife(0, false, 11 * SECOND)).as("grace over").isFalse();
		assertThat(this.evidence.showsLife(0, false, 12 * SECOND)).isFalse();
	}

	@Test
	void aWriteThatEndsDuringTheGraceStartsItAgain() {
		this.evidence.showsLife(0, true, 0);
		this.evidence.showsLife(0, false, SECOND);
		this.evidence.showsLife(0, true, 9 * SECOND);
		assertThat(this.evidence.showsLife(0, false, 10 * SECOND)).isTrue();
		assertThat(this.evidence.showsLife(0, false, 19 * SECOND)).isTrue();
		assertThat(this.evidence.showsLife(0, false, 20 * SECOND)).isFalse();
	}

	/** Ticks and small broadcasts leave into buffers with room, which a peer that vanished also takes. */
	@Test
	void aSweepThatFindsNoWriteWaitingShowsNothingWhateverLeftMeanwhile() {
		for (int sweep = 0; sweep < 5; sweep++) {
			assertThat(this.evidence.showsLife(0, false, sweep * SECOND)).isFalse();
		}
	}

}
