package io.wsdeck.protocol;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.stream.Stream;

import io.wsdeck.support.RawFrame;
import io.wsdeck.support.RawWebSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/**
 * RFC 6455 5.6 and 8.1: a text message must be valid UTF-8 (RFC 3629) as a whole, however it is split into
 * frames; when it is not, the server fails the connection with 1007 (7.4.1).
 */
class Utf8Test extends WireTest {

	private static final HexFormat HEX = HexFormat.of();

	/** The classic invalid sequences, each between valid text so only the sequence itself is at fault. */
	static Stream<Arguments> invalidSequences() {
		return Stream.of(argumentSet("lone continuation byte 80", "80"),
				argumentSet("overlong '/' C0 AF", "c0af"),
				argumentSet("UTF-16 surrogate U+D800 ED A0 80", "eda080"),
				argumentSet("above U+10FFFF F4 90 80 80", "f4908080"),
				argumentSet("byte FF, never in UTF-8", "ff"));
	}

	@ParameterizedTest
	@MethodSource("invalidSequences")
	void closesATextMessageWithInvalidUtf8With1007(String invalid) throws IOException {
		try (RawWebSocket bystander = bystander(); RawWebSocket ws = openGreeted("/ws/text")) {
			ws.send(RawFrame.of(RawFrame.TEXT, utf8("valid ", invalid, " valid")));

			assertFailedWith(ws, CloseStatus.BAD_DATA);
			assertStillServed(bystander);
		}
	}

	/** A message may not end inside a character: here the euro sign E2 82 AC lacks its last byte. */
	@Test
	void closesATextMessageThatEndsInsideACharacterWith1007() throws IOException {
		try (RawWebSocket bystander = bystander(); RawWebSocket ws = openGreeted("/ws/text")) {
			ws.send(RawFrame.of(RawFrame.TEXT, utf8("price: 5 ", "e282", "")));

			assertFailedWith(ws, CloseStatus.BAD_DATA);
			assertStillServed(bystander);
		}
	}

	static Stream<Arguments> invalidSequencesSplitAcrossFragments() {
		return Stream.of(argumentSet("F4 | 90 80 80 (above U+10FFFF)", "f4", "908080"),
				argumentSet("ED A0 | 80 (surrogate)", "eda0", "80"),
				argumentSet("C0 | AF (overlong)", "c0", "af"),
				argumentSet("E2 82 | 41 (character cut short)", "e282", "41"));
	}

	/** 5.6: validity is of the whole message, so a sequence invalid only once both halves are seen still counts. */
	@ParameterizedTest
	@MethodSource("invalidSequencesSplitAcrossFragments")
	void closesAnInvalidSequenceSplitAcrossTwoFragmentsWith1007(String end, String start) throws IOException {
		try (RawWebSocket bystander = bystander(); RawWebSocket ws = openGreeted("/ws/text")) {
			ws.send(RawFrame.of(RawFrame.TEXT, utf8("first ", end, "")).withFin(false),
					RawFrame.continuation(utf8("", start, " second")).withFin(false),
					RawFrame.continuation(utf8("", "", " end")));

			assertFailedWith(ws, CloseStatus.BAD_DATA);
			assertStillServed(bystander);
		}
	}

	/**
	 * The server need not wait for the end of a message to find it invalid (Autobahn's "fail fast" cases 6.4):
	 * here the message never ends, and the close still comes.
	 */
	@Test
	void closesInvalidUtf8BeforeTheMessageEnds() throws IOException {
		try (RawWebSocket ws = openGreeted("/ws/text")) {
			ws.send(RawFrame.of(RawFrame.TEXT, utf8("first ", "f4", "")).withFin(false),
					RawFrame.continuation(utf8("", "908080", " and more to come")).withFin(false));

			assertFailedWith(ws, CloseStatus.BAD_DATA);
		}
	}

	/** Two-, three- and four-byte characters cut at every byte: one frame per byte, and the echo is the text. */
	@Test
	void echoesValidCharactersSplitAcrossFragmentsIntact() throws IOException {
		String text = "κόσμε € 😀 𝄞 é";
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		try (RawWebSocket ws = openGreeted("/ws/text")) {
			ws.sendFragmented(RawFrame.TEXT, bytes, bytes.length);

			assertThat(ws.readText()).isEqualTo(text);
		}
	}

	/**
	 * 5.5.1: a close frame's reason is UTF-8; 8.1: invalid UTF-8 fails the connection. 7.4.1 names 1007 for data
	 * inconsistent with its type, and issue 5 asks for it here too. Tomcat alone answers 1002: wsdeck's copy of its
	 * frame parser (org.apache.tomcat.websocket.WsFrameBase, see TomcatFramePatchTest) makes it 1007.
	 */
	@Test
	void answersACloseReasonOfInvalidUtf8With1007() throws IOException {
		try (RawWebSocket bystander = bystander(); RawWebSocket ws = openGreeted("/ws")) {
			ws.send(RawFrame.of(RawFrame.CLOSE, RawFrame.closePayload(1000, utf8("κόσμε", "eda080", "edited"))));

			RawFrame.Close answer = ws.readClose();
			assertThat(answer.code()).isEqualTo(CloseStatus.BAD_DATA.getCode());
			assertThat(answer.reason()).contains("invalid UTF-8");
			assertThat(ws.awaitEndOfStream(TCP_CLOSE)).as("server closed TCP").isTrue();
			assertStillServed(bystander);
		}
	}

	/** Valid UTF-8 text, then raw bytes given in hex, then valid text again. */
	private static byte[] utf8(String before, String hex, String after) {
		byte[] head = before.getBytes(StandardCharsets.UTF_8);
		byte[] middle = HEX.parseHex(hex);
		byte[] tail = after.getBytes(StandardCharsets.UTF_8);
		byte[] all = new byte[head.length + middle.length + tail.length];
		System.arraycopy(head, 0, all, 0, head.length);
		System.arraycopy(middle, 0, all, head.length, middle.length);
		System.arraycopy(tail, 0, all, head.length + middle.length, tail.length);
		return all;
	}

}
