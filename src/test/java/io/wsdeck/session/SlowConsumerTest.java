package io.wsdeck.session;

import java.time.Duration;
import java.util.Optional;

import io.wsdeck.push.Broadcaster;
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
 * A client that never reads while ticks and broadcasts flow: its buffer stops at the limit, it is closed with
 * 1008, and everyone else keeps receiving everything, in order. Small limits keep the test fast.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "wsdeck.limits.max-message-size=16KB", "wsdeck.outbound.send-buffer-limit=256KB",
				"wsdeck.outbound.send-time-limit=1s" })
class SlowConsumerTest {

	private static final long LIMIT = 256 * 1024;

	/** 12 MB in all: more than the kernel buffers on both ends of a loopback connection can hide (4 MB here). */
	private static final int BROADCASTS = 1000;

	private static final int WINDOW = 10;

	private static final String PAYLOAD = "b".repeat(12_000);

	@LocalServerPort
	int port;

	@Autowired
	SessionRegistry registry;

	@Autowired
	Broadcaster broadcaster;

	@Test
	void aClientThatNeverReadsIsClosedAtTheLimitWhileOthersGetEverything() throws Exception {
		try (RawWebSocket stalled = RawWebSocket.connector()
			.receiveBufferSize(4096)
			.timeout(Duration.ofSeconds(30))
			.open(this.port, "/ws/text?tick=50"); WsClient healthy = WsClient.connectGreeted(this.port, "/ws")) {
			await().atMost(WsClient.TIMEOUT).until(() -> this.registry.size() == 2);
			ManagedSession stalledSession = this.registry.all()
				.stream()
				.filter(session -> session.endpoint() == Endpoint.TEXT)
				.findFirst()
				.orElseThrow();

			// The healthy client reads as it goes (at most WINDOW broadcasts ahead of it, so it keeps up); the
			// stalled one reads nothing.
			long maxBuffered = 0;
			for (int i = 0; i < BROADCASTS + WINDOW; i++) {
				if (i < BROADCASTS) {
					this.broadcaster.broadcast(i + " " + PAYLOAD);
					maxBuffered = Math.max(maxBuffered, stalledSession.bufferedBytes());
				}
				if (i >= WINDOW) {
					assertThat(healthy.nextText()).isEqualTo((i - WINDOW) + " " + PAYLOAD);
				}
			}
			await().atMost(WsClient.TIMEOUT).until(() -> this.registry.size() == 1);
			assertThat(stalledSession.closeSent().getCode()).isEqualTo(1008);
			assertThat(stalledSession.closeSent().getReason()).startsWith("slow consumer:");
			assertThat(maxBuffered).as("buffered bytes of the stalled session").isLessThanOrEqualTo(LIMIT);
			assertThat(healthy.isOpen()).isTrue();

			// Once it reads, the stalled client finds what fitted its buffers, then (if the frame got out) the close.
			Optional<Integer> code = closeCodeIfDelivered(stalled);
			code.ifPresent(c -> assertThat(c).isEqualTo(1008));
		}
	}

	private static Optional<Integer> closeCodeIfDelivered(RawWebSocket stalled) {
		try {
			return Optional.of(stalled.skipToClose().code());
		}
		catch (java.io.IOException | AssertionError ex) {
			return Optional.empty(); // the connection was cut while the close frame could not be written
		}
	}

}
