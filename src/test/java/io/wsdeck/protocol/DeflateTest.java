package io.wsdeck.protocol;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import io.wsdeck.support.Payloads;
import io.wsdeck.support.RawDeflate;
import io.wsdeck.support.RawFrame;
import io.wsdeck.support.RawUpgradeRequest;
import io.wsdeck.support.RawWebSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * permessage-deflate (RFC 7692) on the wire: compressed both ways with the windows the handshake agreed on, absent
 * when not offered. Every test that offers it fails on an answer without it ({@link RawDeflate#negotiatedBy});
 * the answer's header itself and {@code wsdeck.compression.enabled=false} are pinned by NegotiationTest.
 */
class DeflateTest extends WireTest {

	/** Repetitive enough that a compressor refers back, within a message and into the previous one. */
	private static final String REPETITIVE = "the quick brown fox jumps over the lazy dog; ".repeat(40);

	/** 7.2.1 and 7.2.2 both ways: compressed text and binary messages, several, so both windows carry over. */
	@Test
	void roundTripsCompressedMessagesThroughSharedWindows() throws IOException {
		try (RawWebSocket ws = offering("/ws", RawDeflate.EXTENSION);
				RawDeflate deflate = RawDeflate.negotiatedBy(ws.response())) {
			RawWebSocket.Message greeting = ws.readMessage();
			assertThat(deflate.payloadOf(greeting)).asString(StandardCharsets.UTF_8).isEqualTo(GREETING);

			for (int i = 0; i < 3; i++) {
				byte[] text = (i + ": " + REPETITIVE).getBytes(StandardCharsets.UTF_8);
				ws.send(deflate.frame(RawFrame.TEXT, text));
				assertEcho(ws.readMessage(), deflate, RawFrame.TEXT, text);

				byte[] binary = Payloads.randomBytes(2000, i);
				ws.send(deflate.frame(RawFrame.BINARY, binary));
				assertEcho(ws.readMessage(), deflate, RawFrame.BINARY, binary);
			}
		}
	}

	/** RFC 7692 6.1: compression is per message; RSV1 on the first fragment covers all of them. */
	@Test
	void roundTripsACompressedMessageSentInFragments() throws IOException {
		byte[] text = Payloads.randomText(100_000, 21).getBytes(StandardCharsets.UTF_8);
		try (RawWebSocket ws = offering("/ws/text", RawDeflate.EXTENSION);
				RawDeflate deflate = RawDeflate.negotiatedBy(ws.response())) {
			assertThat(deflate.payloadOf(ws.readMessage())).asString(StandardCharsets.UTF_8).isEqualTo(GREETING);

			ws.send(deflate.fragments(RawFrame.TEXT, text, 9));

			assertEcho(ws.readMessage(), deflate, RawFrame.TEXT, text);
		}
	}

	/**
	 * RFC 7692 6: the server chooses message by message. Below {@code wsdeck.compression.min-size} (1 KiB by
	 * default) a message goes out as it is, RSV1 clear; from that size on, compressed.
	 */
	@Test
	void compressesMessagesFromTheMinimumSizeOn() throws IOException {
		byte[] shorter = "a".repeat(1023).getBytes(StandardCharsets.US_ASCII);
		byte[] atMinimum = "a".repeat(1024).getBytes(StandardCharsets.US_ASCII);
		try (RawWebSocket ws = offering("/ws/text", RawDeflate.EXTENSION);
				RawDeflate deflate = RawDeflate.negotiatedBy(ws.response())) {
			assertThat(ws.readMessage().compressed()).as("the greeting compressed").isFalse();

			ws.send(deflate.frame(RawFrame.TEXT, shorter));
			RawWebSocket.Message echo = ws.readMessage();
			assertThat(echo.compressed()).as("1,023 bytes compressed").isFalse();
			assertThat(echo.payload()).isEqualTo(shorter);

			ws.send(deflate.frame(RawFrame.TEXT, atMinimum));
			echo = ws.readMessage();
			assertThat(echo.compressed()).as("1,024 bytes compressed").isTrue();
			assertEcho(echo, deflate, RawFrame.TEXT, atMinimum);
		}
	}

	/**
	 * A long message that does not compress (random bytes) is echoed compressed, its rest in stored blocks once the
	 * server sees it is not compressing, and inflates to what was sent; so does a message that does compress after it.
	 */
	@Test
	void echoesALongMessageThatDoesNotCompressAndCompressesTheNext() throws IOException {
		byte[] random = Payloads.randomBytes(600_000, 3);
		byte[] text = (REPETITIVE.repeat(100)).getBytes(StandardCharsets.UTF_8);
		try (RawWebSocket ws = offering("/ws", RawDeflate.EXTENSION);
				RawDeflate deflate = RawDeflate.negotiatedBy(ws.response())) {
			assertThat(deflate.payloadOf(ws.readMessage())).asString(StandardCharsets.UTF_8).isEqualTo(GREETING);

			ws.sendBinary(random);
			RawWebSocket.Message echo = ws.readMessage();
			assertThat(echo.compressed()).as("compressed").isTrue();
			assertEcho(echo, deflate, RawFrame.BINARY, random);

			ws.send(deflate.frame(RawFrame.TEXT, text));
			echo = ws.readMessage();
			assertEcho(echo, deflate, RawFrame.TEXT, text);
			assertThat(echo.payload().length).as("compressed size of the text after it").isLessThan(text.length / 4);
		}
	}

	/** RFC 7692 6: a message may still be sent uncompressed (RSV1 clear) on a session that negotiated it. */
	@Test
	void echoesAnUncompressedMessageOnADeflateSession() throws IOException {
		try (RawWebSocket ws = offering("/ws/binary", RawDeflate.EXTENSION);
				RawDeflate deflate = RawDeflate.negotiatedBy(ws.response())) {
			ws.sendBinary(new byte[] { 1, 2, 3 });

			assertEcho(ws.readMessage(), deflate, RawFrame.BINARY, new byte[] { 1, 2, 3 });
		}
	}

	/**
	 * 7.1.1.1 and 7.1.1.2: an offer with {@code server_no_context_takeover} or {@code client_no_context_takeover}
	 * is accepted with that parameter, and each side then compresses every message from an empty window. The
	 * client's decompressor follows the answer, so a server that said server_no_context_takeover but kept its
	 * window anyway sends back-references this client cannot resolve.
	 */
	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { RawDeflate.SERVER_NO_CONTEXT_TAKEOVER, RawDeflate.CLIENT_NO_CONTEXT_TAKEOVER })
	void acceptsAndHonoursANoContextTakeoverOffer(String parameter) throws IOException {
		byte[] message = REPETITIVE.getBytes(StandardCharsets.UTF_8);
		try (RawWebSocket ws = offering("/ws/binary", RawDeflate.EXTENSION + "; " + parameter);
				RawDeflate deflate = RawDeflate.negotiatedBy(ws.response())) {
			assertThat(RawDeflate.acceptedParameters(ws.response()).orElseThrow()).contains(parameter);

			for (int i = 0; i < 3; i++) { // the same message again: a kept window would be used
				ws.send(deflate.frame(RawFrame.BINARY, message));
				assertEcho(ws.readMessage(), deflate, RawFrame.BINARY, message);
			}
		}
	}

	/** RFC 7692 5 and RFC 6455 9.1: no offer, no extension, and every frame with RSV1 clear. */
	@Test
	void sendsUncompressedFramesToAClientThatDoesNotOfferIt() throws IOException {
		byte[] text = REPETITIVE.getBytes(StandardCharsets.UTF_8);
		try (RawWebSocket ws = openGreeted("/ws")) {
			assertThat(ws.response().headerValues("Sec-WebSocket-Extensions")).isEmpty();

			ws.send(RawFrame.of(RawFrame.TEXT, text));

			RawWebSocket.Message echo = ws.readMessage(); // fails on any RSV bit, no extension being negotiated
			assertThat(echo.compressed()).isFalse();
			assertThat(echo.payload()).isEqualTo(text);
		}
	}

	/** RFC 7692 6: "An endpoint MUST NOT set the 'Per-Message Compressed' bit of control frames". */
	@Test
	void closesRsv1OnAControlFrameWith1002() throws IOException {
		try (RawWebSocket bystander = bystander(); RawWebSocket ws = offering("/ws/binary",
				RawDeflate.EXTENSION)) {
			ws.send(RawFrame.ping(new byte[] { 1 }).withRsv1(true));

			assertFailedWith(ws, CloseStatus.PROTOCOL_ERROR);
			assertStillServed(bystander);
		}
	}

	/**
	 * RFC 7692 6: RSV1 marks a compressed message on its first frame; "An endpoint MUST NOT set the 'Per-Message
	 * Compressed' bit of ... non-first fragments of a data message", and RFC 6455 5.2 fails a connection on a
	 * reserved bit without a meaning: the right answer is 1002. Tomcat alone echoes the message; wsdeck's copy of
	 * its frame parser (see TomcatFramePatchTest) fails the connection.
	 */
	@Test
	void rejectsRsv1OnAContinuationFrameWith1002() throws IOException {
		byte[] text = REPETITIVE.getBytes(StandardCharsets.UTF_8);
		try (RawWebSocket bystander = bystander(); RawWebSocket ws = offering("/ws/binary", RawDeflate.EXTENSION);
				RawDeflate deflate = RawDeflate.negotiatedBy(ws.response())) {
			List<RawFrame> frames = deflate.fragments(RawFrame.BINARY, text, 2);

			ws.send(frames.get(0), frames.get(1).withRsv1(true));

			assertFailedWith(ws, CloseStatus.PROTOCOL_ERROR);
			assertStillServed(bystander);
		}
	}

	private static void assertEcho(RawWebSocket.Message echo, RawDeflate deflate, int opcode, byte[] sent) {
		assertThat(echo.opcode()).as("type of %s", echo).isEqualTo(opcode);
		assertThat(deflate.payloadOf(echo)).as("payload of %s", echo).isEqualTo(sent);
	}

	/** A handshake whose only extra header is the given {@code Sec-WebSocket-Extensions} offer. */
	RawWebSocket offering(String path, String offer) throws IOException {
		return RawWebSocket.connect(this.port, RawUpgradeRequest.to(path).header("Sec-WebSocket-Extensions", offer))
			.expectUpgraded();
	}

}
