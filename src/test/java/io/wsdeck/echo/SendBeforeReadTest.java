package io.wsdeck.echo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.wsdeck.push.Broadcaster;
import io.wsdeck.session.Endpoint;
import io.wsdeck.session.ManagedSession;
import io.wsdeck.session.SessionRegistry;
import io.wsdeck.support.Payloads;
import io.wsdeck.support.RawFrame;
import io.wsdeck.support.RawWebSocket;
import io.wsdeck.support.WsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Clients written the simplest way: send a whole large message, then read the echo (Python's websocket-client,
 * {@code ws.send(big); ws.recv()}). The echo streams back while the message is still arriving, and this client
 * does not read until it has sent everything, so the server must keep reading while the echo waits: it queues the
 * echo's parts, up to the send-buffer limit. The send-time limit is short here, so a server that stopped reading
 * would drop these clients within the test.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "wsdeck.outbound.send-time-limit=3s", "wsdeck.heartbeat.interval=1h" })
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SendBeforeReadTest {

	/** The tutorial's ArrayBuffer. */
	private static final int TEN_MILLION = 10_000_000;

	/** wsdeck.outbound.send-buffer-limit's default. */
	private static final long SEND_BUFFER_LIMIT = 32L * 1024 * 1024;

	/** A client that reads nothing holds this little, so the queue, not the kernel, must hold the echo. */
	private static final int RECEIVE_BUFFER = 64 * 1024;

	private static final Pattern BUFFERED = Pattern.compile("slow consumer: a send blocked for \\d+ ms, (\\d+) bytes");

	@LocalServerPort
	int port;

	@Autowired
	SessionRegistry registry;

	@Autowired
	Broadcaster broadcaster;

	@Test
	void tenMillionBytesSentInOneFrameBeforeReadingAreEchoed() throws Exception {
		byte[] message = Payloads.randomBytes(TEN_MILLION, 7);
		try (RawWebSocket ws = notReading("/ws/binary")) {
			CompletableFuture<Void> sent = ws.sendInBackground(List.of(RawFrame.binary(message)));

			sent.get(30, TimeUnit.SECONDS); // the server read it all while its echo could not be written
			RawWebSocket.Message echo = ws.readMessage();
			assertThat(echo.opcode()).isEqualTo(RawFrame.BINARY);
			assertThat(Payloads.sha256(echo.payload())).isEqualTo(Payloads.sha256(message));
		}
	}

	@Test
	void twoFragmentedTextMessagesSentBeforeReadingAreEchoedInOrderWithABroadcastOutsideThem() throws Exception {
		String first = "a".repeat(5_000_000);
		String second = "b".repeat(5_000_000);
		List<RawFrame> frames = new ArrayList<>(fragments(first, 5));
		frames.addAll(fragments(second, 3));
		try (RawWebSocket ws = notReading("/ws/text")) {
			ManagedSession session = onlySession(Endpoint.TEXT);
			CompletableFuture<Void> sent = ws.sendInBackground(frames);

			await().atMost(WsClient.TIMEOUT).until(() -> session.bufferedBytes() > 0); // an echo is queued
			this.broadcaster.broadcast("news");
			sent.get(30, TimeUnit.SECONDS);

			assertThat(ws.readText()).isEqualTo("world");
			List<String> received = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				received.add(ws.readText()); // fails on a frame of another message inside a fragmented one
			}
			assertThat(received).contains("news");
			received.remove("news");
			assertThat(received).as("the echoes, in order").containsExactly(first, second);
		}
	}

	@Test
	void aClientThatSendsMoreThanTheSendBufferWithoutReadingIsHeldBackThenDroppedAsASlowConsumer() throws Exception {
		byte[] message = new byte[TEN_MILLION];
		List<RawFrame> frames = Collections.nCopies(6, RawFrame.binary(message)); // 60 MB, never read
		try (RawWebSocket bystander = RawWebSocket.open(this.port, "/ws/echo");
				RawWebSocket ws = notReading("/ws/binary")) {
			ManagedSession session = onlySession(Endpoint.BINARY);
			ws.sendInBackground(frames);

			await().atMost(WsClient.TIMEOUT).until(() -> !this.registry.all().contains(session));
			CloseStatus closed = session.closeSent();
			assertThat(closed).isNotNull();
			assertThat(closed.getCode()).isEqualTo(CloseStatus.POLICY_VIOLATION.getCode());
			Matcher reason = BUFFERED.matcher(closed.getReason());
			assertThat(reason.lookingAt()).as("reason \"%s\"", closed.getReason()).isTrue();
			assertThat(Long.parseLong(reason.group(1))).as("bytes the server held for it")
				.isGreaterThan(SEND_BUFFER_LIMIT / 2)
				.isLessThanOrEqualTo(SEND_BUFFER_LIMIT);

			bystander.sendText("still served");
			assertThat(bystander.readText()).isEqualTo("still served");
		}
	}

	@Test
	void aPingBetweenTwoLargeMessagesSentBeforeReadingIsAnsweredAndBothAreEchoed() throws Exception {
		byte[] first = Payloads.randomBytes(8_000_000, 3);
		byte[] second = Payloads.randomBytes(8_000_000, 4);
		byte[] ping = "hello".getBytes(StandardCharsets.UTF_8);
		try (RawWebSocket ws = notReading("/ws/echo")) {
			CompletableFuture<Void> sent = ws
				.sendInBackground(List.of(RawFrame.binary(first), RawFrame.ping(ping), RawFrame.binary(second)));

			// Tomcat answers a ping on the reading thread: behind an echo the client is not reading, the reading stopped
			sent.get(30, TimeUnit.SECONDS);
			List<byte[]> messages = new ArrayList<>();
			List<byte[]> pongs = new ArrayList<>();
			ByteArrayOutputStream message = new ByteArrayOutputStream();
			while (messages.size() < 2) {
				RawFrame frame = ws.readFrame();
				if (frame.opcode() == RawFrame.PONG) {
					pongs.add(frame.payload());
					continue;
				}
				message.write(frame.payload());
				if (frame.fin()) {
					messages.add(message.toByteArray());
					message.reset();
				}
			}
			assertThat(pongs).containsExactly(ping);
			assertThat(Payloads.sha256(messages.get(0))).isEqualTo(Payloads.sha256(first));
			assertThat(Payloads.sha256(messages.get(1))).isEqualTo(Payloads.sha256(second));
		}
	}

	@Test
	void broadcastsWhileTheClientIsHeldBackAtTheSendBufferLimitDoNotCloseIt() throws Exception {
		byte[] message = Payloads.randomBytes(8_000_000, 5);
		String news = "n".repeat(20_000);
		try (RawWebSocket ws = notReading("/ws")) {
			ManagedSession session = onlySession(Endpoint.MIXED);
			ws.sendInBackground(Collections.nCopies(6, RawFrame.binary(message))); // 48 MB, more than the 32 MB

			await().atMost(WsClient.TIMEOUT).until(() -> session.bufferedBytes() > SEND_BUFFER_LIMIT - 1_000_000);
			for (int i = 0; i < 3; i++) {
				this.broadcaster.broadcast(news); // queued beside the held-back echo, not counted against it
			}

			assertThat(ws.readText()).isEqualTo("world");
			int echoes = 0;
			int broadcasts = 0;
			while (echoes < 6 || broadcasts < 3) {
				RawWebSocket.Message next = ws.readMessage();
				if (next.opcode() == RawFrame.TEXT) {
					assertThat(next.text()).isEqualTo(news);
					broadcasts++;
				}
				else {
					assertThat(next.payload()).as("echo %d", echoes).isEqualTo(message);
					echoes++;
				}
			}
			assertThat(session.closeSent()).isNull();
		}
	}

	@Test
	void aMessageSentTogetherWithTheCloseIsEchoedBeforeTheCloseIsAnswered() throws Exception {
		byte[] message = Payloads.randomBytes(100_000, 6); // in parts, so its echo is queued
		for (int i = 0; i < 20; i++) {
			try (RawWebSocket ws = RawWebSocket.open(this.port, "/ws/echo")) {
				ws.send(RawFrame.binary(message), RawFrame.close(1000, "done")); // ws.send(x); ws.close()

				assertThat(ws.readMessage().payload()).as("echo before the close, round %d", i).isEqualTo(message);
				assertThat(ws.readClose().code()).isEqualTo(1000);
			}
		}
	}

	/** A client with a small receive buffer, which reads nothing until the test says so. */
	private RawWebSocket notReading(String path) throws IOException {
		return RawWebSocket.connector()
			.receiveBufferSize(RECEIVE_BUFFER)
			.timeout(Duration.ofSeconds(30))
			.open(this.port, path);
	}

	private static List<RawFrame> fragments(String text, int count) {
		return RawFrame.fragments(RawFrame.TEXT, text.getBytes(StandardCharsets.UTF_8), count);
	}

	private ManagedSession onlySession(Endpoint endpoint) {
		await().atMost(WsClient.TIMEOUT).until(() -> this.registry.count(endpoint) == 1);
		return this.registry.all().stream().filter((s) -> s.endpoint() == endpoint).findFirst().orElseThrow();
	}

}
