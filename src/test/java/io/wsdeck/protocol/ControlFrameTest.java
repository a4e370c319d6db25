package io.wsdeck.protocol;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.wsdeck.support.Payloads;
import io.wsdeck.support.RawFrame;
import io.wsdeck.support.RawFrame.LengthEncoding;
import io.wsdeck.support.RawWebSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/** RFC 6455 5.5: pings, pongs, and the two rules every control frame follows (never fragmented, at most 125 B). */
class ControlFrameTest extends WireTest {

	/** Long enough for the server to answer a ping, short against the test's timeout. */
	private static final Duration NOTHING_ELSE = Duration.ofMillis(300);

	static Stream<Arguments> fragmentedControlFrames() {
		return Stream.of(argumentSet("ping", RawFrame.ping("p".getBytes(StandardCharsets.US_ASCII))),
				argumentSet("pong", RawFrame.pong("p".getBytes(StandardCharsets.US_ASCII))),
				argumentSet("close", RawFrame.close(1000, "")));
	}

	/** 5.5: "All control frames ... MUST NOT be fragmented", so FIN is always set. */
	@ParameterizedTest
	@MethodSource("fragmentedControlFrames")
	void closesAControlFrameWithoutFinWith1002(RawFrame frame) throws IOException {
		try (RawWebSocket bystander = bystander(); RawWebSocket ws = open("/ws/binary")) {
			ws.send(frame.withFin(false));

			assertFailedWith(ws, CloseStatus.PROTOCOL_ERROR);
			assertStillServed(bystander);
		}
	}

	static Stream<Arguments> oversizedControlFrames() {
		byte[] payload = Payloads.randomBytes(126, 5);
		RawFrame close = RawFrame.close(1000, "x".repeat(124)); // code + reason: 126 bytes
		return Stream.of(argumentSet("ping of 126 B, 16-bit length", RawFrame.ping(payload), LengthEncoding.MINIMAL),
				argumentSet("pong of 126 B, 16-bit length", RawFrame.pong(payload), LengthEncoding.MINIMAL),
				argumentSet("close of 126 B, 16-bit length", close, LengthEncoding.MINIMAL),
				argumentSet("ping of 126 B, 64-bit length", RawFrame.ping(payload), LengthEncoding.EXTENDED_64));
	}

	/** 5.5: "All control frames MUST have a payload length of 125 bytes or less". */
	@ParameterizedTest
	@MethodSource("oversizedControlFrames")
	void closesAControlFrameOver125BytesWith1002(RawFrame frame, LengthEncoding length) throws IOException {
		try (RawWebSocket bystander = bystander(); RawWebSocket ws = open("/ws/binary")) {
			ws.sendRaw(frame.encode(length));

			assertFailedWith(ws, CloseStatus.PROTOCOL_ERROR);
			assertStillServed(bystander);
		}
	}

	/** 5.5.3: "A Pong frame sent in response to a Ping frame must have identical Application data". */
	@ParameterizedTest(name = "{0} bytes")
	@ValueSource(ints = { 0, 1, 125 })
	void answersAPingWithAPongOfTheSamePayload(int size) throws IOException {
		byte[] payload = Payloads.randomBytes(size, size);
		try (RawWebSocket ws = open("/ws/binary")) {
			ws.sendPing(payload);

			RawFrame pong = ws.readFrame();
			assertThat(pong).isEqualTo(RawFrame.pong(payload).unmasked());
			assertThat(ws.pollFrame(NOTHING_ELSE)).as("anything after the pong").isEmpty();
		}
	}

	/**
	 * 5.4 and 5.5.2: a ping between the fragments of a message is answered at once, not after the message; the
	 * message then still arrives whole.
	 */
	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "TEXT", "BINARY" })
	void answersAPingInsideAFragmentedMessageBeforeTheMessageEnds(String kind) throws IOException {
		int opcode = "TEXT".equals(kind) ? RawFrame.TEXT : RawFrame.BINARY;
		byte[] message = "first half, second half".getBytes(StandardCharsets.UTF_8);
		List<RawFrame> fragments = RawFrame.fragments(opcode, message, 2);
		byte[] ping = "mid-message".getBytes(StandardCharsets.US_ASCII);
		try (RawWebSocket ws = openGreeted("/ws")) {
			ws.send(fragments.get(0), RawFrame.ping(ping));

			List<RawFrame> echoed = new ArrayList<>();
			RawFrame frame;
			while ((frame = ws.readFrame()).opcode() != RawFrame.PONG) {
				assertThat(frame.isControl()).as("frame before the pong: %s", frame).isFalse();
				echoed.add(frame);
			}
			assertThat(frame.payload()).isEqualTo(ping);
			ws.send(fragments.get(1));
			do {
				frame = ws.readFrame();
				echoed.add(frame);
			}
			while (!frame.fin());

			assertThat(echoed.get(0).opcode()).isEqualTo(opcode);
			assertThat(echoed.subList(1, echoed.size())).extracting(RawFrame::opcode)
				.containsOnly(RawFrame.CONTINUATION);
			assertThat(concatenated(echoed)).isEqualTo(message);
		}
	}

	/** 5.5.3: "A Pong frame MAY be sent unsolicited ... A response to an unsolicited Pong frame is not expected." */
	@Test
	void ignoresUnsolicitedPongs() throws IOException {
		try (RawWebSocket ws = open("/ws/binary")) {
			ws.send(RawFrame.pong(new byte[0]), RawFrame.pong(Payloads.randomBytes(125, 6)));
			ws.sendBinary(new byte[] { 1, 2, 3 });

			assertThat(ws.readFrame()).as("first frame after the pongs")
				.isEqualTo(RawFrame.binary(new byte[] { 1, 2, 3 }).unmasked());
			assertThat(ws.pollFrame(NOTHING_ELSE)).isEmpty();
		}
	}

	@Test
	void ignoresAnUnsolicitedPongInsideAFragmentedMessage() throws IOException {
		byte[] message = "before and after the pong".getBytes(StandardCharsets.UTF_8);
		List<RawFrame> fragments = RawFrame.fragments(RawFrame.TEXT, message, 2);
		try (RawWebSocket ws = openGreeted("/ws/text")) {
			ws.send(fragments.get(0), RawFrame.pong("unasked".getBytes(StandardCharsets.US_ASCII)), fragments.get(1));

			assertThat(ws.readText()).isEqualTo("before and after the pong");
		}
	}

	private static byte[] concatenated(List<RawFrame> frames) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		frames.forEach((frame) -> bytes.writeBytes(frame.payload()));
		return bytes.toByteArray();
	}

}
