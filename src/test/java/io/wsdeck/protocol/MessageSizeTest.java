package io.wsdeck.protocol;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.wsdeck.support.Payloads;
import io.wsdeck.support.RawFrame;
import io.wsdeck.support.RawWebSocket;
import org.junit.jupiter.api.Test;

import org.springframework.util.unit.DataSize;
import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The 16 MiB message limit (wsdeck.limits.max-message-size) on the wire: a message of exactly the limit is echoed,
 * one byte more is closed with 1009 (RFC 6455 7.4.1), whether the excess is declared in one frame's 64-bit length
 * or spread over fragments; a frame whose header declares more than the limit is refused at once. The echo streams
 * back while the message is still being sent, so every large message is written from a second thread. The limit is crossed in full (16 MiB sent) three times: these tests are slow.
 */
class MessageSizeTest extends WireTest {

	private static final int LIMIT = Math.toIntExact(DataSize.ofMegabytes(16).toBytes());

	@Test
	void echoesABinaryMessageOfExactlyTheLimit() throws Exception {
		byte[] message = Payloads.randomBytes(LIMIT, 16);
		try (RawWebSocket ws = open("/ws/binary")) {
			CompletableFuture<Void> sent = ws.sendInBackground(List.of(RawFrame.binary(message)));

			RawWebSocket.Message echo = ws.readMessage();
			sent.get();
			assertThat(echo.payload().length).isEqualTo(LIMIT);
			assertThat(Payloads.sha256(echo.payload())).isEqualTo(Payloads.sha256(message));
		}
	}

	@Test
	void closesAMessageOneByteOverTheLimitInOneFrameWith1009() throws Exception {
		RawFrame frame = RawFrame.binary(new byte[LIMIT + 1]); // header 82 ff 00 00 00 00 01 00 00 01 + mask
		try (RawWebSocket bystander = bystander(); RawWebSocket ws = open("/ws/binary")) {
			CompletableFuture<Void> sent = ws.sendInBackground(List.of(frame));

			assertClosedWithTooBig(ws, sent);
			assertStillServed(bystander);
		}
	}

	@Test
	void closesAMessageOneByteOverTheLimitSpreadOverFragmentsWith1009() throws Exception {
		List<RawFrame> frames = RawFrame.fragments(RawFrame.BINARY, new byte[LIMIT + 1], 17);
		try (RawWebSocket bystander = bystander(); RawWebSocket ws = open("/ws/binary")) {
			CompletableFuture<Void> sent = ws.sendInBackground(frames);

			assertClosedWithTooBig(ws, sent);
			assertStillServed(bystander);
		}
	}

	@Test
	void closesAFrameThatDeclaresMoreThanTheLimitWith1009AsSoonAsItsHeaderHasArrived() throws Exception {
		long declared = 1L << 40;
		byte[] header = ByteBuffer.allocate(14)
			.put((byte) 0x82) // FIN, binary
			.put((byte) (0x80 | 127)) // masked, 64-bit length
			.putLong(declared)
			.putInt(0) // a zero mask: the payload goes as it is
			.array();
		try (RawWebSocket bystander = bystander(); RawWebSocket ws = open("/ws/binary")) {
			ws.sendRaw(header);
			ws.sendRaw(new byte[100]); // less than Tomcat hands over as a first part; the rest never comes

			RawFrame.Close close = ws.skipToClose();
			assertThat(close.code()).as("close code (reason \"%s\")", close.reason())
				.isEqualTo(CloseStatus.TOO_BIG_TO_PROCESS.getCode());
			assertThat(close.reason()).contains(declared + " bytes declared").contains(String.valueOf(LIMIT));
			assertStillServed(bystander);
		}
	}

	/**
	 * 1009 is wsdeck's own close, not a failed connection: echoes of what came before the frame that passes the limit
	 * may come first, the server waits for the client's answering close (reading and dropping the rest of the
	 * message meanwhile), then closes TCP (7.1.1).
	 */
	private static void assertClosedWithTooBig(RawWebSocket ws, CompletableFuture<Void> sent) throws Exception {
		RawFrame.Close close = ws.skipToClose();
		assertThat(close.code()).as("close code (reason \"%s\")", close.reason())
			.isEqualTo(CloseStatus.TOO_BIG_TO_PROCESS.getCode());
		assertThat(close.reason()).contains(String.valueOf(LIMIT));
		sent.get(); // the last byte sent is the one over the limit; the writer must be done before the answer
		ws.sendClose(close.code(), "");
		assertThat(ws.awaitEndOfStream(TCP_CLOSE)).as("server closed TCP after the handshake").isTrue();
	}

}
