package io.wsdeck.protocol;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.wsdeck.support.Payloads;
import io.wsdeck.support.RawFrame;
import io.wsdeck.support.RawWebSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RFC 6455 5.4: a message in any number of frames is one message. The echo streams fragments back as they arrive
 * and may cut them differently, so what is compared is the reassembled message: its type and every byte.
 */
class FragmentationTest extends WireTest {

	/** Text with one-, two- and three-byte characters, so many cuts fall inside a character. */
	private static final int TEXT_BYTES = 3000;

	@ParameterizedTest(name = "{0} frame(s)")
	@ValueSource(ints = { 1, 2, 10, 1000 })
	void echoesAFragmentedTextMessageWhole(int frames) throws IOException {
		String text = Payloads.randomText(TEXT_BYTES, frames);
		try (RawWebSocket ws = openGreeted("/ws/text")) {
			ws.sendFragmented(RawFrame.TEXT, text.getBytes(StandardCharsets.UTF_8), frames);

			assertThat(ws.readText()).isEqualTo(text);
		}
	}

	@ParameterizedTest(name = "{0} frame(s)")
	@ValueSource(ints = { 1, 2, 10, 1000 })
	void echoesAFragmentedBinaryMessageWhole(int frames) throws IOException {
		byte[] bytes = Payloads.randomBytes(TEXT_BYTES, frames);
		try (RawWebSocket ws = open("/ws/binary")) {
			ws.sendFragmented(RawFrame.BINARY, bytes, frames);

			RawWebSocket.Message echo = ws.readMessage();
			assertThat(echo.opcode()).isEqualTo(RawFrame.BINARY);
			assertThat(echo.payload()).isEqualTo(bytes);
		}
	}

	/** 5.4 allows empty fragments anywhere: first, between, last, and a message of nothing but empty frames. */
	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "TEXT", "BINARY" })
	void echoesMessagesWithZeroLengthFragments(String kind) throws IOException {
		int opcode = "TEXT".equals(kind) ? RawFrame.TEXT : RawFrame.BINARY;
		byte[] empty = new byte[0];
		try (RawWebSocket ws = openGreeted("/ws")) {
			ws.send(RawFrame.of(opcode, empty).withFin(false), RawFrame.continuation(bytes("ab")).withFin(false),
					RawFrame.continuation(empty).withFin(false), RawFrame.continuation(empty).withFin(false),
					RawFrame.continuation(bytes("c")).withFin(false), RawFrame.continuation(empty));
			ws.send(RawFrame.of(opcode, empty).withFin(false), RawFrame.continuation(empty).withFin(false),
					RawFrame.continuation(empty));

			assertMessage(ws.readMessage(), opcode, bytes("abc"));
			assertMessage(ws.readMessage(), opcode, empty);
		}
	}

	/** The mixed endpoint keeps each message's type through its continuations, text and binary back to back. */
	@Test
	void echoesFragmentedTextAndBinaryBackToBackOnTheMixedEndpoint() throws IOException {
		byte[] text = Payloads.randomText(500, 11).getBytes(StandardCharsets.UTF_8);
		byte[] binary = Payloads.randomBytes(500, 12);
		try (RawWebSocket ws = openGreeted("/ws")) {
			List<RawFrame> frames = new ArrayList<>(RawFrame.fragments(RawFrame.TEXT, text, 7));
			frames.addAll(RawFrame.fragments(RawFrame.BINARY, binary, 7));
			frames.addAll(RawFrame.fragments(RawFrame.TEXT, text, 3));
			ws.send(frames);

			assertMessage(ws.readMessage(), RawFrame.TEXT, text);
			assertMessage(ws.readMessage(), RawFrame.BINARY, binary);
			assertMessage(ws.readMessage(), RawFrame.TEXT, text);
		}
	}

	private static void assertMessage(RawWebSocket.Message message, int opcode, byte[] payload) {
		assertThat(message.opcode()).as("type of %s", message).isEqualTo(opcode);
		assertThat(message.payload()).as("payload of %s", message).isEqualTo(payload);
	}

	private static byte[] bytes(String ascii) {
		return ascii.getBytes(StandardCharsets.US_ASCII);
	}

}
