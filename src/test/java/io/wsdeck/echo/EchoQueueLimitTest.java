package io.wsdeck.echo;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.wsdeck.push.Broadcaster;
import io.wsdeck.session.SessionSupport;
import io.wsdeck.support.Payloads;
import io.wsdeck.support.RawFrame;
import io.wsdeck.support.RawWebSocket;
import io.wsdeck.support.WsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
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
 * With the server-wide budget for queued echoes (wsdeck.outbound.echo-queue-limit) smaller than a message, a large
 * echo is queued up to the budget and streamed by the reading thread after that, behind what was queued: clients
 * that read while they send get every echo intact and in order, pushes still outside them.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "wsdeck.outbound.echo-queue-limit=1MB", "wsdeck.heartbeat.interval=1h" })
@ExtendWith(OutputCaptureExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EchoQueueLimitTest {

	@LocalServerPort
	int port;

	@Autowired
	SessionSupport sessions;

	@Autowired
	Broadcaster broadcaster;

	@Test
	void aMessageLargerThanTheBudgetIsEchoedIntactPartlyQueuedPartlyStreamed(CapturedOutput output) throws Exception {
		byte[] message = Payloads.randomBytes(10_000_000, 11);
		// A small receive buffer, and nothing read until the budget is spent: a client reading at once could keep
		// the queue below 1 MB, and the test would see no streaming at all.
		try (RawWebSocket ws = RawWebSocket.connector().receiveBufferSize(4096).open(this.port, "/ws/binary")) {
			CompletableFuture<Void> sent = ws.sendInBackground(List.of(RawFrame.binary(message)));
			await().atMost(WsClient.TIMEOUT).untilAsserted(() -> assertThat(output.getOut())
				.contains("reach 1048576 bytes (wsdeck.outbound.echo-queue-limit)"));

			RawWebSocket.Message echo = ws.readMessage();
			sent.get(30, TimeUnit.SECONDS);
			assertThat(Payloads.sha256(echo.payload())).isEqualTo(Payloads.sha256(message));
		}
		await().atMost(WsClient.TIMEOUT).until(() -> this.sessions.echoQueue().used() == 0);
	}

	@Test
	void fragmentedTextsAreEchoedInOrderWithABroadcastOutsideThem() throws Exception {
		String first = "a".repeat(3_000_000);
		String second = "b".repeat(3_000_000);
		List<RawFrame> frames = new ArrayList<>(RawFrame.fragments(RawFrame.TEXT, utf8(first), 7));
		frames.addAll(RawFrame.fragments(RawFrame.TEXT, utf8(second), 4));
		try (RawWebSocket ws = RawWebSocket.open(this.port, "/ws/text").expectText("world")) {
			CompletableFuture<Void> sent = ws.sendInBackground(frames);
			this.broadcaster.broadcast("news");

			List<String> received = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				received.add(ws.readText()); // fails on a frame of another message inside a fragmented one
			}
			sent.get(30, TimeUnit.SECONDS);
			assertThat(received).contains("news");
			received.remove("news");
			assertThat(received).as("the echoes, in order").containsExactly(first, second);
		}
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
