package io.wsdeck.metrics;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.wsdeck.support.Payloads;
import io.wsdeck.support.RawFrame;
import io.wsdeck.support.RawUpgradeRequest;
import io.wsdeck.support.RawWebSocket;
import io.wsdeck.support.WsClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;
import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The meters an operator reads, read over HTTP while real clients connect, send and stall. */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class MetricsTest {

	@LocalServerPort
	int port;

	ActuatorClient actuator;

	@BeforeEach
	void readyActuator() {
		this.actuator = new ActuatorClient(this.port);
		await().atMost(WsClient.TIMEOUT).until(() -> this.actuator.value("wsdeck.sessions.open") == 0);
	}

	@Test
	void openSessionsGaugeCountsEachEndpointAndFallsBackToZero() {
		List<WsClient> clients = new ArrayList<>();
		try {
			for (int i = 0; i < 3; i++) {
				clients.add(WsClient.connect(this.port, "/ws"));
			}
			clients.add(WsClient.connect(this.port, "/ws/binary"));

			await().atMost(WsClient.TIMEOUT).untilAsserted(() -> {
				assertThat(this.actuator.value("wsdeck.sessions.open")).isEqualTo(4);
				assertThat(this.actuator.value("wsdeck.sessions.open", "endpoint:mixed")).isEqualTo(3);
				assertThat(this.actuator.value("wsdeck.sessions.open", "endpoint:binary")).isEqualTo(1);
				assertThat(this.actuator.get("/actuator/health")).contains("\"sessions\":{\"details\":{\"open\":4}");
			});
		}
		finally {
			clients.forEach(WsClient::close);
		}
		await().atMost(WsClient.TIMEOUT).until(() -> this.actuator.value("wsdeck.sessions.open") == 0);
	}

	@Test
	void bufferedBytesRiseWhileAClientStopsReadingAndFallToZeroWhenItReads() throws Exception {
		String tenMegabytes = Payloads.randomText(Payloads.TUTORIAL_SIZE, 11);
		try (RawWebSocket stalled = RawWebSocket.connector()
			.receiveBufferSize(16 * 1024)
			.timeout(Duration.ofSeconds(30))
			.open(this.port, "/ws/text")) {
			assertThat(stalled.readText()).isEqualTo("world");
			// The client reads nothing more: the server's 10 MB push stays accepted but unwritten.
			CompletableFuture<String> broadcast = CompletableFuture.supplyAsync(() -> RestClient
				.create("http://127.0.0.1:" + this.port)
				.post()
				.uri("/api/broadcast")
				.contentType(new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8))
				.body(tenMegabytes)
				.retrieve()
				.body(String.class));
			await().atMost(WsClient.TIMEOUT)
				.until(() -> this.actuator.value("wsdeck.sessions.buffered.bytes", "endpoint:text") > 0);

			assertThat(Payloads.sha256(stalled.readMessage().text())).isEqualTo(Payloads.sha256(tenMegabytes));
			assertThat(broadcast.get()).isEqualTo("{\"reached\":1}");
			await().atMost(WsClient.TIMEOUT)
				.until(() -> this.actuator.value("wsdeck.sessions.buffered.bytes", "endpoint:text") == 0);
		}
	}

	/**
	 * Bytes are counted when their message completes; the fragments of a message the session ended in the middle
	 * of are counted when it ends, each way, and no message is.
	 */
	@Test
	void bytesOfAMessageCutShortAreCountedWhenTheSessionEnds() throws Exception {
		String[] in = { "direction:in", "endpoint:binary", "kind:binary" };
		String[] out = { "direction:out", "endpoint:binary", "kind:binary" };
		double bytesIn = this.actuator.valueOrZero("wsdeck.bytes", in);
		double bytesOut = this.actuator.valueOrZero("wsdeck.bytes", out);
		double messagesIn = this.actuator.valueOrZero("wsdeck.messages", "direction:in", "endpoint:binary",
				"kind:binary");

		try (RawWebSocket ws = RawWebSocket.open(this.port, "/ws/binary")) {
			ws.send(RawFrame.binary(new byte[1000]).withFin(false));
			assertThat(ws.readFrame().payload()).as("the streamed echo of the first fragment").hasSize(1000);
		} // and the connection drops without the rest

		await().atMost(WsClient.TIMEOUT).untilAsserted(() -> {
			assertThat(this.actuator.valueOrZero("wsdeck.bytes", in) - bytesIn).as("bytes in").isEqualTo(1000);
			assertThat(this.actuator.valueOrZero("wsdeck.bytes", out) - bytesOut).as("bytes out").isEqualTo(1000);
		});
		assertThat(this.actuator.valueOrZero("wsdeck.messages", "direction:in", "endpoint:binary", "kind:binary"))
			.isEqualTo(messagesIn);
	}

	@Test
	void messageByteAndCloseCountersMoveByExactlyWhatWasSent() {
		double textIn = this.actuator.value("wsdeck.messages", "direction:in", "endpoint:mixed", "kind:text");
		double binaryIn = this.actuator.value("wsdeck.messages", "direction:in", "endpoint:mixed", "kind:binary");
		double textOut = this.actuator.value("wsdeck.messages", "direction:out", "endpoint:mixed", "kind:text");
		double binaryBytesOut = this.actuator.value("wsdeck.bytes", "direction:out", "endpoint:mixed", "kind:binary");
		double sizes = this.actuator.value("wsdeck.message.size", "direction:in", "endpoint:mixed", "kind:binary");
		double closes4xxx = this.actuator.valueOrZero("wsdeck.closes", "code:4xxx");
		double closes1003 = this.actuator.valueOrZero("wsdeck.closes", "code:1003");

		try (WsClient client = WsClient.connectGreeted(this.port, "/ws")) {
			for (int i = 0; i < 5; i++) {
				client.sendText("text " + i);
				client.nextText();
			}
			client.sendBinary(new byte[1000]).sendBinary(new byte[24]);
			client.nextBinary();
			client.nextBinary();
			client.session().close(new CloseStatus(4001, "done"));
			client.awaitClose();
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
		try (WsClient wrongKind = WsClient.connectGreeted(this.port, "/ws/text")) {
			wrongKind.sendBinary(new byte[1]);
			wrongKind.awaitClose();
		}

		await().atMost(WsClient.TIMEOUT).untilAsserted(() -> {
			assertThat(this.actuator.value("wsdeck.messages", "direction:in", "endpoint:mixed", "kind:text") - textIn)
				.isEqualTo(5);
			assertThat(this.actuator.value("wsdeck.messages", "direction:in", "endpoint:mixed", "kind:binary") - binaryIn)
				.isEqualTo(2);
			assertThat(this.actuator.value("wsdeck.messages", "direction:out", "endpoint:mixed", "kind:text") - textOut)
				.as("greeting and five echoes")
				.isEqualTo(6);
			assertThat(this.actuator.value("wsdeck.bytes", "direction:out", "endpoint:mixed", "kind:binary")
					- binaryBytesOut)
				.isEqualTo(1024);
			assertThat(this.actuator.value("wsdeck.message.size", "direction:in", "endpoint:mixed", "kind:binary")
					- sizes)
				.as("count of recorded sizes")
				.isEqualTo(2);
			assertThat(this.actuator.value("wsdeck.closes", "code:4xxx") - closes4xxx).isEqualTo(1);
			assertThat(this.actuator.value("wsdeck.closes", "code:1003") - closes1003).isEqualTo(1);
		});
	}

	@Test
	void refusedHandshakesAreCountedByReason() throws Exception {
		double before = this.actuator.valueOrZero("wsdeck.handshakes.rejected", "reason:version");
		try (RawWebSocket refused = RawWebSocket.connect(this.port,
				RawUpgradeRequest.to("/ws").header("Sec-WebSocket-Version", "8"))) {
			assertThat(refused.response().status()).isEqualTo(426);
		}
		assertThat(this.actuator.value("wsdeck.handshakes.rejected", "reason:version") - before).isEqualTo(1);
	}

	@Test
	void aLongMessageThatDoesNotCompressIsCountedAsStored() throws Exception {
		double before = this.actuator.value("wsdeck.compression.stored");
		byte[] random = Payloads.randomBytes(600_000, 11);
		try (RawWebSocket ws = RawWebSocket
			.connect(this.port, RawUpgradeRequest.to("/ws/binary").header("Sec-WebSocket-Extensions", "permessage-deflate"))
			.expectUpgraded()) {
			ws.sendBinary(random);
			assertThat(ws.readMessage().compressed()).as("echo compressed").isTrue();
		}
		assertThat(this.actuator.value("wsdeck.compression.stored") - before).isEqualTo(1);
	}

	@Test
	void prometheusExposesEveryWsdeckMeter() throws Exception {
		try (WsClient client = WsClient.connectGreeted(this.port, "/ws")) {
			client.sendText("x");
			client.nextText();
		}
		try (RawWebSocket refused = RawWebSocket.connect(this.port,
				RawUpgradeRequest.to("/ws").header("Sec-WebSocket-Version", "8"))) {
			assertThat(refused.response().status()).isEqualTo(426);
		}
		await().atMost(WsClient.TIMEOUT).untilAsserted(() -> assertThat(this.actuator.get("/actuator/prometheus"))
			.contains("wsdeck_sessions_open{", "wsdeck_sessions_buffered_bytes{", "wsdeck_messages_total{",
					"wsdeck_bytes_total{", "wsdeck_message_size_bytes_count{", "wsdeck_closes_total{",
					"wsdeck_handshakes_rejected_total{", "wsdeck_session_duration_seconds_count{",
					"wsdeck_compression_shared_total", "wsdeck_compression_stored_total"));
	}

	@Test
	void statsFeedForTheDashboardCountsSessionsAndTraffic() {
		try (WsClient client = WsClient.connectGreeted(this.port, "/ws/text")) {
			await().atMost(WsClient.TIMEOUT)
				.untilAsserted(() -> assertThat(this.actuator.get("/api/stats")).contains("\"openSessions\":1")
					.contains("\"text\":1"));
		}
	}

}
