package io.wsdeck.lab;

import java.time.Duration;

import io.wsdeck.session.MessageKind;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The syntax and every bound, without a server: what parses to what, and the exact error otherwise. */
class CommandParserTest {

	private static final long MAX_MESSAGE = 16L * 1024 * 1024;

	private final CommandParser parser = new CommandParser(MAX_MESSAGE);

	@Test
	void closeTakesExactlyTheCodesAServerMaySend() {
		for (int code = 0; code <= 5000; code++) {
			boolean allowed = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1013)
					|| (code >= 3000 && code <= 4999);
			assertThat(this.parser.parse("close " + code)).as("close %d", code)
				.isInstanceOf(allowed ? Closing.class : Reply.class);
		}
	}

	@Test
	void closeReasonIsEverythingAfterTheCodeUpTo123Bytes() {
		assertThat(this.parser.parse("close 4000 going  away ")).isEqualTo(new Closing(Closing.How.CLOSE, 4000, "going  away "));
		assertThat(this.parser.parse("close 1000")).isEqualTo(new Closing(Closing.How.CLOSE, 1000, ""));
		assertThat(this.parser.parse("close 1000 " + "\u20ac".repeat(41))).isInstanceOf(Closing.class); // 123 bytes
		assertThat(this.parser.parse("close 1000 " + "\u20ac".repeat(41) + "x"))
			.isEqualTo(Reply.error("close CODE [REASON]: REASON is at most 123 bytes of UTF-8, what a close frame has "
					+ "room for (RFC 6455 5.5.1); got 124"));
	}

	@Test
	void closeRawTakesAnySixteenBitCode() {
		assertThat(this.parser.parse("close-raw 0")).isEqualTo(new Closing(Closing.How.RAW, 0, ""));
		assertThat(this.parser.parse("close-raw 65535 x")).isEqualTo(new Closing(Closing.How.RAW, 65535, "x"));
		assertThat(this.parser.parse("close-raw 65536")).isEqualTo(Reply.error(
				"close-raw CODE [REASON]: CODE must be a whole number from 0 to 65535; got \"65536\""));
	}

	@Test
	void sendIsBoundedByTheMaxMessageSizeAndTenThousandFrames() {
		assertThat(this.parser.parse("send-binary " + MAX_MESSAGE + " 10000"))
			.isEqualTo(new FragmentedSend(MessageKind.BINARY, MAX_MESSAGE, 10_000));
		assertThat(this.parser.parse("send 5")).isEqualTo(new FragmentedSend(MessageKind.TEXT, 5, 1));
		assertThat(this.parser.parse("send " + (MAX_MESSAGE + 1))).isInstanceOf(Reply.class);
		assertThat(this.parser.parse("send-binary 10 10001")).isInstanceOf(Reply.class);
		assertThat(this.parser.parse("send 1 2 3")).isEqualTo(Reply.error("send N [K]: takes 1 to 2 arguments; got 3"));
	}

	@Test
	void sendTextKeepsEachFrameWithinTomcatsEncoderBuffer() {
		int frame = CommandParser.MAX_TEXT_FRAME;
		assertThat(this.parser.parse("send " + 3 * frame + " 3")).isInstanceOf(FragmentedSend.class);
		assertThat(this.parser.parse("send " + (3 * frame + 1) + " 3")).isEqualTo(Reply.error("send N [K]: a text "
				+ "frame holds at most " + frame + " bytes here (Tomcat splits longer ones), so " + (3 * frame + 1)
				+ " bytes need K of at least 4; send-binary has no such limit"));
		assertThat(this.parser.parse("send " + MAX_MESSAGE + " 2048")).isInstanceOf(FragmentedSend.class);
	}

	@Test
	void floodIsBoundedInMessagesAndTotalBytes() {
		assertThat(this.parser.parse("flood 100000 2684")).isEqualTo(new Flood(MessageKind.TEXT, 100_000, 2684));
		assertThat(this.parser.parse("flood-binary 16 " + MAX_MESSAGE)).isEqualTo(new Flood(MessageKind.BINARY, 16,
				(int) MAX_MESSAGE));
		assertThat(this.parser.parse("flood-binary 17 " + MAX_MESSAGE)).isInstanceOf(Reply.class);
		assertThat(this.parser.parse("flood 0 1")).isInstanceOf(Reply.class);
		assertThat(this.parser.parse("flood 10")).isEqualTo(Reply.error("flood N S: takes 2 arguments; got 1"));
	}

	@Test
	void delayIsWholeMillisecondsUpToAMinute() {
		assertThat(this.parser.parse("delay 0")).isEqualTo(new Delay(Duration.ZERO));
		assertThat(this.parser.parse("delay  60000 ")).isEqualTo(new Delay(Duration.ofSeconds(60)));
		assertThat(this.parser.parse("delay 1.5")).isInstanceOf(Reply.class);
		assertThat(this.parser.parse("delay 99999999999999999999")).isInstanceOf(Reply.class);
	}

	@Test
	void pingPayloadIsAtMost125Bytes() {
		assertThat(this.parser.parse("ping " + "p".repeat(125))).isNotInstanceOf(Reply.class);
		assertThat(this.parser.parse("ping " + "p".repeat(126))).isInstanceOf(Reply.class);
	}

	@Test
	void theCommandWordIsCaseInsensitiveAndLeadingSpaceIsIgnored() {
		assertThat(this.parser.parse("  Send-Binary 4")).isEqualTo(new FragmentedSend(MessageKind.BINARY, 4, 1));
		assertThat(this.parser.parse("DROP")).isEqualTo(Closing.drop());
	}

	@Test
	void aLongUnknownWordIsQuotedShortened() {
		assertThat(this.parser.parse("x".repeat(100)))
			.isEqualTo(Reply.error("unknown command \"" + "x".repeat(40) + "...\"; try \"help\""));
	}

}
