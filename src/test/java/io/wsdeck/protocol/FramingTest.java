package io.wsdeck.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import io.wsdeck.support.Payloads;
import io.wsdeck.support.RawFrame;
import io.wsdeck.support.RawWebSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/**
 * RFC 6455 5.1-5.4: frames no conforming client sends. Each fails the connection with 1002 and a reason, and
 * leaves every other session alone.
 */
class FramingTest extends WireTest {

	@Test
	void closesAnUnmaskedClientFrameWith1002() throws IOException {
		try (RawWebSocket bystander = bystander(); RawWebSocket ws = openGreeted("/ws")) {
			ws.send(RawFrame.text("not masked").unmasked()); // 5.1: a client MUST mask every frame

			assertFailedWith(ws, CloseStatus.PROTOCOL_ERROR);
			assertStillServed(bystander);
		}
	}

	static Stream<Arguments> framesWithAReservedBit() {
		RawFrame text = RawFrame.text("reserved");
		return Stream.of(argumentSet("text, RSV1", text.withRsv1(true)),
				argumentSet("text, RSV2", text.withRsv2(true)), argumentSet("text, RSV3", text.withRsv3(true)),
				argumentSet("binary, all three", RawFrame.binary(new byte[] { 1 }).withRsv1(true).withRsv2(true)
					.withRsv3(true)),
				argumentSet("ping, RSV1", RawFrame.ping(new byte[] { 1 }).withRsv1(true)),
				argumentSet("close, RSV2", RawFrame.close(1000, "").withRsv2(true)));
	}

	/** 5.2: a reserved bit set without an extension that defines it (this client offered none). */
	@ParameterizedTest
	@MethodSource("framesWithAReservedBit")
	void closesAReservedBitWithoutANegotiatedExtensionWith1002(RawFrame frame) throws IOException {
		try (RawWebSocket bystander = bystander(); RawWebSocket ws = openGreeted("/ws")) {
			ws.send(frame);

			assertFailedWith(ws, CloseStatus.PROTOCOL_ERROR);
			assertStillServed(bystander);
		}
	}

	/** 5.2: 0x3-0x7 are reserved data opcodes, 0xB-0xF reserved control opcodes. */
	@ParameterizedTest(name = "opcode 0x{0}")
	@ValueSource(ints = { 0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF })
	void closesAReservedOpcodeWith1002(int opcode) throws IOException {
		try (RawWebSocket bystander = bystander(); RawWebSocket ws = openGreeted("/ws")) {
			ws.send(RawFrame.of(opcode, new byte[] { 'x' }));

			assertFailedWith(ws, CloseStatus.PROTOCOL_ERROR);
			assertStillServed(bystander);
		}
	}

	/** 5.4: a continuation frame belongs to a message a text or binary frame started. */
	@Test
	void closesAContinuationWithNoMessageStartedWith1002() throws IOException {
		try (RawWebSocket bystander = bystander(); RawWebSocket ws = openGreeted("/ws")) {
			ws.send(RawFrame.continuation(new byte[] { 'x' }));

			assertThat(assertFailedWith(ws, CloseStatus.PROTOCOL_ERROR).reason())
				.isEqualTo("A continuation frame was sent with no message to continue");
			assertStillServed(bystander);
		}
	}

	/** 5.4: only control frames may be interleaved with a fragmented message; a new message may not. */
	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "TEXT", "BINARY" })
	void closesANewDataFrameInsideAFragmentedMessageWith1002(String interloper) throws IOException {
		int opcode = "TEXT".equals(interloper) ? RawFrame.TEXT : RawFrame.BINARY;
		try (RawWebSocket bystander = bystander(); RawWebSocket ws = openGreeted("/ws")) {
			ws.send(RawFrame.text("first half, ").withFin(false), RawFrame.of(opcode, new byte[] { 'x' }));

			assertFailedWith(ws, CloseStatus.PROTOCOL_ERROR); // the echo of the first half may come before
			assertStillServed(bystander);
		}
	}

	/**
	 * 5.2: a payload length is 7 bits up to 125, 16 bits (marker 126) up to 65,535, else 64 bits (marker 127);
	 * each side of each boundary arrives, and is echoed, intact.
	 */
	@ParameterizedTest(name = "{0} bytes")
	@ValueSource(ints = { 0, 125, 126, 127, 65535, 65536 })
	void echoesPayloadsOnEitherSideOfEachLengthEncodingBoundary(int size) throws IOException {
		byte[] payload = Payloads.randomBytes(size, size);
		try (RawWebSocket ws = open("/ws/binary")) {
			ws.sendBinary(payload);

			RawWebSocket.Message echo = ws.readMessage();
			assertThat(echo.opcode()).isEqualTo(RawFrame.BINARY);
			assertThat(echo.payload()).isEqualTo(payload);
		}
	}

	/**
	 * TCP may cut a frame anywhere, so a read can end inside a header or a payload. wsdeck lends a session its
	 * input and message buffers only while it has bytes in them (see WsFrameBase): what is left of a frame must
	 * stay with its session across reads.
	 */
	@Test
	void reassemblesFramesThatArriveAByteAtATime() throws IOException {
		byte[] first = RawFrame.text("κόσμε, byte by byte").withFin(false).encode();
		byte[] second = RawFrame.continuation(" and the rest".getBytes(StandardCharsets.UTF_8)).encode();
		try (RawWebSocket ws = openGreeted("/ws")) {
			for (byte[] frame : List.of(first, second)) {
				for (byte b : frame) {
					ws.sendRaw(new byte[] { b });
				}
			}

			assertThat(ws.readText()).isEqualTo("κόσμε, byte by byte and the rest");
		}
	}

	/**
	 * Two sessions each leave half a frame with the server, in turn; each gets back exactly its own message, and a
	 * third session's whole messages go through in between.
	 */
	@Test
	void keepsEachSessionsPartialFrameApart() throws IOException {
		byte[] a = RawFrame.binary(Payloads.randomBytes(20_000, 1)).encode();
		byte[] b = RawFrame.binary(Payloads.randomBytes(20_000, 2)).encode();
		try (RawWebSocket first = open("/ws/binary"); RawWebSocket second = open("/ws/binary");
				RawWebSocket whole = open("/ws/binary")) {
			first.sendRaw(Arrays.copyOfRange(a, 0, 9_000));
			second.sendRaw(Arrays.copyOfRange(b, 0, 13_000));
			whole.sendBinary(new byte[] { 7 });
			assertThat(whole.readMessage().payload()).containsExactly(7);
			first.sendRaw(Arrays.copyOfRange(a, 9_000, a.length));
			second.sendRaw(Arrays.copyOfRange(b, 13_000, b.length));

			assertThat(first.readMessage().payload()).isEqualTo(Payloads.randomBytes(20_000, 1));
			assertThat(second.readMessage().payload()).isEqualTo(Payloads.randomBytes(20_000, 2));
		}
	}

	/** 5.2: "the most significant bit MUST be 0" in a 64-bit payload length. */
	@Test
	void closesA64BitLengthWithTheMostSignificantBitSetWith1002() throws IOException {
		try (RawWebSocket bystander = bystander(); RawWebSocket ws = open("/ws/binary")) {
			ws.sendRaw(ByteBuffer.allocate(14).put((byte) 0x82).put((byte) (0x80 | 127)).putLong(0x8000_0000_0000_0001L)
				.put(RawFrame.randomMaskKey()).array());

			assertFailedWith(ws, CloseStatus.PROTOCOL_ERROR);
			assertStillServed(bystander);
		}
	}

}
