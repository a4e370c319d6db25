package io.wsdeck.session;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.wsdeck.push.Broadcaster;
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
import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client that stops reading while a message too large for the socket buffers is written to it, on either lane (a
 * broadcast, a lab flood): the write blocks, and at the send-time limit the server drops the connection. No close
 * frame can follow the half-written message, so the client only sees the stream end (1006 in a browser); the server
 * logs and counts the end as its own 1008 slow-consumer close, and every other session carries on. The buffer limit
 * is left at its default (32 MB), so only the time limit can catch these clients.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "wsdeck.outbound.send-time-limit=1s")
@ExtendWith(OutputCaptureExtension.class)
class SendTimeLimitTest {

	private static final long LIMIT_MILLIS = 1000;

	/** 12 MB: more than the kernel buffers on both ends of a loopback connection can hide (4 MB here). */
	private static final int LARGE = 12_000_000;

	private static final Pattern DROPPED = Pattern.compile("slow consumer: a send blocked for (\\d+) ms, \\d+ bytes "
			+ "buffered; connection dropped \\(no close frame can pass a write the client is not reading\\)");

	@LocalServerPort
	int port;

	@Autowired
	SessionRegistry registry;

	@Autowired
	Broadcaster broadcaster;

	@Autowired
	MeterRegistry meters;

	@Test
	void aBroadcastBlockedForTheSendTimeLimitIsCountedAndLoggedAs1008ByTheServer(CapturedOutput output)
			throws IOException {
		double slowConsumers = closes(CloseStatus.POLICY_VIOLATION);
		try (RawWebSocket stalled = stalledClient("/ws/text");
				WsClient other = WsClient.connect(this.port, "/ws/echo")) {
			ManagedSession session = onlySession(Endpoint.TEXT);

			this.broadcaster.broadcast("b".repeat(LARGE));

			assertDroppedAsSlowConsumer(session, stalled, slowConsumers);
			assertLoggedAsDropped(output, session, "text");
			assertThat(other.sendText("still served").nextText()).isEqualTo("still served");
		}
	}

	/**
	 * Broadcasts pass the buffer limit while one is blocked: the 1008 close waits for that write, which the send-time
	 * limit ends by closing the session under it. The waiting close then finds nothing to do, and must say nothing:
	 * it once died on that session with an uncaught exception, which took its thread along.
	 */
	@Test
	void aCloseWaitingForABlockedWriteFindsTheSessionClosedQuietly(CapturedOutput output) throws IOException {
		try (RawWebSocket stalled = stalledClient("/ws/text")) {
			ManagedSession session = onlySession(Endpoint.TEXT);
			this.broadcaster.broadcast("b".repeat(LARGE));
			await().during(Duration.ofMillis(200)).atMost(WsClient.TIMEOUT).until(() -> session.bufferedBytes() > 0);
			for (int i = 0; i < 4 && session.closeSent() == null; i++) {
				this.broadcaster.broadcast("b".repeat(LARGE)); // the third passes the 32 MB limit
			}
			assertThat(session.closeSent()).as("close wsdeck decided on").isNotNull();

			await().atMost(WsClient.TIMEOUT).until(() -> !this.registry.all().contains(session));
			await().during(Duration.ofMillis(500))
				.atMost(WsClient.TIMEOUT)
				.untilAsserted(() -> assertThat(output.getAll()).doesNotContain("Exception in thread"));
		}
	}

	@Test
	void aLabFloodTheClientStopsReadingIsCountedAndLoggedAs1008ByTheServer(CapturedOutput output) throws IOException {
		double slowConsumers = closes(CloseStatus.POLICY_VIOLATION);
		try (RawWebSocket stalled = stalledClient("/ws/lab");
				WsClient other = WsClient.connect(this.port, "/ws/echo")) {
			ManagedSession session = onlySession(Endpoint.LAB);

			stalled.sendText("flood 4000 60000");

			assertDroppedAsSlowConsumer(session, stalled, slowConsumers);
			assertLoggedAsDropped(output, session, "lab");
			assertThat(other.sendText("still served").nextText()).isEqualTo("still served");
		}
	}

	/**
	 * Pings from a client that does not read: their answers fill the socket buffers until one blocks. It is the
	 * server's write the client does not take, as any other: before, Tomcat wrote it outside the session, and its
	 * timeout was logged and counted as 1006 "Write timeout" by the client.
	 */
	@Test
	void aPingFloodTheClientDoesNotReadTheAnswersToIsCountedAndLoggedAs1008ByTheServer(CapturedOutput output)
			throws IOException {
		double slowConsumers = closes(CloseStatus.POLICY_VIOLATION);
		try (RawWebSocket stalled = stalledClient("/ws/echo")) {
			ManagedSession session = onlySession(Endpoint.ECHO);
			byte[] pings = pings(1000);
			try {
				for (int i = 0; i < 200 && this.registry.all().contains(session); i++) { // 26 MB at most
					stalled.sendRaw(pings);
				}
			}
			catch (IOException ex) {
				// the server has dropped the connection, while this send waited for it to read again
			}

			assertDroppedAsSlowConsumer(session, stalled, slowConsumers);
			assertLoggedAsDropped(output, session, "echo");
		}
	}

	/**
	 * The echoes of small messages are gathered over a read and written together at its end (wsdeck's copy of
	 * Tomcat's {@code WsRemoteEndpointImplBase}). A client that sends one message a read and reads nothing blocks that
	 * end-of-read write, which is this session's write as any other: it was logged and counted as the client's 1006
	 * "Write timeout".
	 */
	@Test
	void echoesGatheredOverAReadThatTheClientDoesNotReadAreCountedAndLoggedAs1008ByTheServer(CapturedOutput output)
			throws IOException {
		double slowConsumers = closes(CloseStatus.POLICY_VIOLATION);
		try (RawWebSocket stalled = stalledClient("/ws/echo")) {
			ManagedSession session = onlySession(Endpoint.ECHO);
			String small = "g".repeat(2000); // gathered: at most half of Tomcat's 8 KB output buffer
			try {
				for (long sent = 1; sent <= 10_000 && this.registry.all().contains(session); sent++) { // 20 MB at most
					stalled.sendText(small);
					long echoed = sent;
					// one message a read: the next is sent once the last one's echo has been gathered
					await().pollInterval(Duration.ofMillis(1))
						.atMost(WsClient.TIMEOUT)
						.until(() -> session.traffic().messagesOut() >= echoed || !this.registry.all().contains(session));
				}
			}
			catch (IOException ex) {
				// the server has dropped the connection, while this send waited for it to read again
			}

			// The server dropped the connection with the client's last sends unread: the kernel resets it, and the
			// client loses what it had not read, so only the server's side can be checked.
			assertDroppedAsSlowConsumer(session, slowConsumers);
			assertLoggedAsDropped(output, session, "echo");
		}
	}

	private static byte[] pings(int count) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		for (int i = 0; i < count; i++) {
			bytes.writeBytes(RawFrame.ping(new byte[125]).encode());
		}
		return bytes.toByteArray();
	}

	/** Connected with a small receive buffer, and never read from until the server has given up on it. */
	private RawWebSocket stalledClient(String path) throws IOException {
		RawWebSocket stalled = RawWebSocket.connector()
			.receiveBufferSize(4096)
			.timeout(Duration.ofSeconds(30))
			.open(this.port, path);
		await().atMost(WsClient.TIMEOUT).until(() -> this.registry.count(endpointOf(path)) == 1);
		return stalled;
	}

	private static void assertLoggedAsDropped(CapturedOutput output, ManagedSession session, String endpoint) {
		await().atMost(WsClient.TIMEOUT).untilAsserted(() -> assertThat(output.getOut()).containsPattern(
				"Closed session " + session.getId() + " on " + endpoint + ": 1008 \"" + DROPPED + "\" by server after"));
	}

	private void assertDroppedAsSlowConsumer(ManagedSession session, RawWebSocket stalled, double slowConsumersBefore)
			throws IOException {
		assertDroppedAsSlowConsumer(session, slowConsumersBefore);

		// What the client finds once it reads: the start of the message, then the end of the stream; no close frame.
		List<RawFrame> frames = stalled.readUntilEndOfStream(Duration.ofSeconds(10));
		assertThat(frames).noneMatch((frame) -> frame.opcode() == RawFrame.CLOSE);
	}

	private void assertDroppedAsSlowConsumer(ManagedSession session, double slowConsumersBefore) {
		await().atMost(WsClient.TIMEOUT).until(() -> !this.registry.all().contains(session));

		CloseStatus status = session.closeSent();
		assertThat(status).as("the close the server logged and counted").isNotNull();
		assertThat(status.getCode()).isEqualTo(CloseStatus.POLICY_VIOLATION.getCode());
		Matcher reason = DROPPED.matcher(status.getReason());
		assertThat(reason.matches()).as("reason \"%s\"", status.getReason()).isTrue();
		assertThat(Long.parseLong(reason.group(1))).as("blocked milliseconds").isGreaterThanOrEqualTo(LIMIT_MILLIS);
		assertThat(closes(CloseStatus.POLICY_VIOLATION) - slowConsumersBefore).isEqualTo(1);
	}

	private ManagedSession onlySession(Endpoint endpoint) {
		return this.registry.all()
			.stream()
			.filter((session) -> session.endpoint() == endpoint)
			.findFirst()
			.orElseThrow();
	}

	private static Endpoint endpointOf(String path) {
		return path.endsWith("/lab") ? Endpoint.LAB : path.endsWith("/echo") ? Endpoint.ECHO : Endpoint.TEXT;
	}

	private double closes(CloseStatus status) {
		Counter counter = this.meters.find("wsdeck.closes").tag("code", Integer.toString(status.getCode())).counter();
		return (counter != null) ? counter.count() : 0;
	}

}
