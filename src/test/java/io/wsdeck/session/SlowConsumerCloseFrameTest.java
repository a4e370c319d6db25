package io.wsdeck.session;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import io.wsdeck.push.Broadcaster;
import io.wsdeck.support.RawFrame;
import io.wsdeck.support.RawWebSocket;
import io.wsdeck.support.WsClient;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client closed for falling more than the send-buffer limit behind, which then reads what it was sent, learns
 * why: the 1008 follows the message that was being written when the limit was passed. Tomcat alone gives such a
 * close 50 ms to get past that write, then drops the connection without a close frame.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "wsdeck.limits.max-message-size=1MB", "wsdeck.outbound.send-buffer-limit=8MB" })
class SlowConsumerCloseFrameTest {

	/** More than the kernel buffers on both ends of a loopback connection hold (4 MB here), less than the limit. */
	private static final String LARGE = "a".repeat(6_000_000);

	private static final String SMALL = "b".repeat(12_000);

	@LocalServerPort
	int port;

	@Autowired
	SessionRegistry registry;

	@Autowired
	Broadcaster broadcaster;

	@Test
	void aClientThatFellBehindReadsThe1008AfterTheMessageInProgress() throws Exception {
		try (RawWebSocket slow = RawWebSocket.connector()
			.receiveBufferSize(4096)
			.timeout(Duration.ofSeconds(30))
			.open(this.port, "/ws/text")) {
			slow.expectText("world");
			await().atMost(WsClient.TIMEOUT).until(() -> this.registry.size() == 1);
			ManagedSession session = this.registry.all().iterator().next();
			this.broadcaster.broadcast(LARGE);
			// The client reads nothing yet, so that write stays in progress while the next broadcasts pile up.
			await().during(Duration.ofMillis(500)).atMost(WsClient.TIMEOUT).until(() -> session.bufferedBytes() > 0);
			for (int i = 0; i < 1000 && session.closeSent() == null; i++) {
				this.broadcaster.broadcast(SMALL);
			}
			assertThat(session.closeSent()).as("close wsdeck decided on").isNotNull();
			assertThat(session.closeSent().getCode()).isEqualTo(1008);
			await("the close waiting for the write in progress").during(Duration.ofMillis(300))
				.atMost(Duration.ofSeconds(2))
				.until(() -> this.registry.size() == 1);

			// Now the client reads: the message that was being written, whole, then the close.
			String received = slow.readText();
			assertThat(received.length()).isEqualTo(LARGE.length());
			assertThat(received.equals(LARGE)).as("the message in progress arrived intact").isTrue();
			RawFrame.Close close = slow.readClose();
			assertThat(close.code()).isEqualTo(1008);
			assertThat(close.reason()).matches("slow consumer: \\d+ bytes buffered, 12000 more over the 8388608-byte limit");
		}
	}

	/**
	 * Pushes never go inside an echo, so they wait while the client is still sending the message being echoed. A
	 * client that sends slowly piles them up however fast it reads; past the limit it is closed, told why, and its
	 * echo is finished first.
	 */
	@Test
	void pushesHeldBehindAnEchoTheClientIsStillSendingCloseItWithAReasonThatSaysSo() throws Exception {
		byte[] message = "m".repeat(900_000).getBytes(StandardCharsets.UTF_8);
		List<RawFrame> frames = RawFrame.fragments(RawFrame.TEXT, message, 3);
		try (RawWebSocket client = RawWebSocket.open(this.port, "/ws/text")) {
			client.expectText("world");
			await().atMost(WsClient.TIMEOUT).until(() -> this.registry.size() == 1);
			ManagedSession session = this.registry.all().iterator().next();
			client.send(frames.get(0));
			// Read by the server, so its echo is open before the first broadcast
			await().atMost(WsClient.TIMEOUT).until(() -> session.traffic().bytesIn() == frames.get(0).payload().length);
			for (int i = 0; i < 1000 && session.closeSent() == null; i++) {
				this.broadcaster.broadcast(SMALL);
			}
			assertThat(session.closeSent()).as("close wsdeck decided on").isNotNull();
			client.send(frames.subList(1, frames.size()));

			assertThat(client.readMessage().payload()).as("the echo, whole").isEqualTo(message);
			RawFrame.Close close = client.readClose();
			assertThat(close.code()).isEqualTo(1008);
			assertThat(close.reason()).startsWith("pushes held back: ")
				.endsWith("bytes buffered behind the echo of a message the client is still sending");
		}
	}

}
