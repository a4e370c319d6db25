package io.wsdeck.session;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;

import io.wsdeck.support.RawFrame;
import io.wsdeck.support.RawWebSocket;
import io.wsdeck.support.WsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A close that answers bad input, decided while a large message is being written to the client, gets its frame out
 * after the frame being written. Tomcat alone gives such a close 50 ms to get past that write, then drops the
 * connection: a client that is reading, just not fast, saw the stream end instead of the code.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "wsdeck.outbound.send-time-limit=3s")
@ExtendWith(OutputCaptureExtension.class)
class ErrorCloseFrameTest {

	@LocalServerPort
	int port;

	@Autowired
	SessionRegistry registry;

	@Test
	void a1009ForAFrameHeaderFollowsTheEchoFrameBeingWritten() throws IOException {
		try (RawWebSocket client = stalledClient("/ws/echo")) {
			ManagedSession session = echoingALargeMessage(client);
			client.sendRaw(ByteBuffer.allocate(14)
				.put((byte) 0x82) // FIN, binary
				.put((byte) (0x80 | 127)) // masked, 64-bit length
				.putLong(1L << 40)
				.putInt(0)
				.array());

			awaitCloseWaitingForTheWrite(session);
			RawFrame.Close close = client.skipToClose();
			assertThat(close.code()).isEqualTo(1009);
			assertThat(close.reason()).startsWith("message too big");
		}
	}

	/** The lab's {@code fail} during a flood: 1011 after the flood's message being written, which arrives whole. */
	@Test
	void theLabsFailDuringAFloodClosesWith1011AfterTheMessageBeingWritten() throws IOException {
		try (RawWebSocket client = stalledClient("/ws/lab")) {
			ManagedSession session = theSession();
			client.sendText("flood 40 1000000");
			awaitWriteBlocked(session);
			client.sendText("fail");

			awaitCloseWaitingForTheWrite(session);
			long inMessage = 0;
			RawFrame frame;
			while ((frame = client.readFrame()).opcode() != RawFrame.CLOSE) {
				if (!frame.isControl()) {
					inMessage = frame.fin() ? 0 : inMessage + frame.payload().length;
				}
			}
			assertThat(inMessage).as("bytes of a message the close cut short").isZero();
			assertThat(frame.close().code()).isEqualTo(1011);
			assertThat(frame.close().reason()).isEqualTo("internal error: LabFailure");
		}
	}

	/**
	 * A protocol error found by Tomcat's frame parser while a write is in progress: Tomcat alone closes from the
	 * reading thread with 50 ms for the frame (waiting longer there would spin a container thread), and a client
	 * reading the large echo saw the stream end. The session takes the close over: 1002 after the frame being
	 * written, then the connection is closed, the parser having read nothing more.
	 */
	@Test
	void aProtocolErrorFoundByTheFrameParserFollowsTheEchoFrameBeingWritten() throws IOException {
		try (RawWebSocket client = stalledClient("/ws/echo")) {
			ManagedSession session = echoingALargeMessage(client);
			client.sendRaw(RawFrame.text("not masked").unmasked().encode());

			awaitCloseWaitingForTheWrite(session);
			RawFrame.Close close = client.skipToClose();
			assertThat(close.code()).isEqualTo(1002);
			assertThat(close.reason()).isNotEmpty();
			assertThat(client.awaitEndOfStream(Duration.ofSeconds(5))).as("connection closed after the frame").isTrue();
		}
	}

	/**
	 * A close frame the parser refuses (a code no endpoint may send) during a large echo: 1002 after the frame being
	 * written. The parser calls its input closed once it has read a close frame, which stopped the reading and let
	 * Tomcat drop the connection at once, in the middle of a frame (the sixth outside audit).
	 */
	@Test
	void aCloseFrameWithACodeNoEndpointMaySendGets1002AfterTheEchoFrameBeingWritten() throws IOException {
		try (RawWebSocket client = stalledClient("/ws/echo")) {
			ManagedSession session = echoingALargeMessage(client);
			client.send(RawFrame.close(1005, ""));

			awaitCloseWaitingForTheWrite(session);
			assertThat(client.skipToClose().code()).isEqualTo(1002);
			assertThat(client.awaitEndOfStream(Duration.ofSeconds(5))).as("connection closed after the frame").isTrue();
		}
	}

	/** The same for invalid UTF-8, 1007, which the parser finds in a text message. */
	@Test
	void invalidUtf8FoundByTheFrameParserGets1007AfterTheEchoFrameBeingWritten() throws IOException {
		try (RawWebSocket client = stalledClient("/ws/echo")) {
			ManagedSession session = echoingALargeMessage(client);
			client.send(RawFrame.of(RawFrame.TEXT, new byte[] { 'a', (byte) 0xC0, 'b' }));

			awaitCloseWaitingForTheWrite(session);
			assertThat(client.skipToClose().code()).isEqualTo(1007);
		}
	}

	/**
	 * When the frame cannot get out (the client reads nothing), the log must not claim a 1002 it never saw: it says
	 * the server decided on 1002, then that the connection was dropped at the send-time limit, as for any close that
	 * answers bad input.
	 */
	@Test
	void aProtocolErrorWhoseCloseFrameCannotGetOutIsLoggedAsDropped(CapturedOutput output) throws IOException {
		try (RawWebSocket client = stalledClient("/ws/echo")) {
			ManagedSession session = echoingALargeMessage(client);
			client.sendRaw(RawFrame.text("not masked").unmasked().encode());

			await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(output.getOut())
				.containsPattern("Closing session " + session.getId() + " \\(echo [^)]+\\) with 1002 ")
				.containsPattern("Closed session " + session.getId() + " on echo: \\d+ \"[^\"]+; connection dropped "
						+ "[^\"]*\" by server"));
		}
	}

	private RawWebSocket stalledClient(String path) throws IOException {
		RawWebSocket client = RawWebSocket.connector()
			.receiveBufferSize(4096)
			.timeout(Duration.ofSeconds(30))
			.open(this.port, path);
		await().atMost(WsClient.TIMEOUT).until(() -> this.registry.size() == 1);
		return client;
	}

	/** Sends an 8 MB message in fragments, whose echo the client does not read yet; returns its session. */
	private ManagedSession echoingALargeMessage(RawWebSocket client) throws IOException {
		ManagedSession session = theSession();
		client.send(RawFrame.fragments(RawFrame.BINARY, new byte[8_000_000], 8));
		awaitWriteBlocked(session);
		return session;
	}

	private ManagedSession theSession() {
		return this.registry.all().iterator().next();
	}

	/** The client reads nothing yet: what the server's write took on stays unwritten. */
	private static void awaitWriteBlocked(ManagedSession session) {
		await().during(Duration.ofMillis(500)).atMost(WsClient.TIMEOUT).until(() -> session.bufferedBytes() > 0);
	}

	private void awaitCloseWaitingForTheWrite(ManagedSession session) {
		await().atMost(WsClient.TIMEOUT).until(() -> session.closeSent() != null);
		await("the close waiting for the write in progress").during(Duration.ofMillis(300))
			.atMost(Duration.ofSeconds(2))
			.until(() -> this.registry.size() == 1);
	}

}
