package io.wsdeck.session;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.wsdeck.support.RawFrame;
import io.wsdeck.support.RawWebSocket;
import io.wsdeck.support.WsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The queued parts of large echoes are written by their own threads, not the push senders: clients reading large
 * echoes slowly (here not at all, for now) hold those threads, and other sessions' ticks still arrive. Both are
 * pools; the push pool is made smaller here than the clients holding a writer.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "wsdeck.outbound.push-threads=2",
		"wsdeck.outbound.send-time-limit=8s", "wsdeck.heartbeat.interval=1h" })
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EchoWritersTest {

	private static final int STALLED = 3;

	@LocalServerPort
	int port;

	@Autowired
	SessionRegistry registry;

	@Test
	void ticksKeepComingWhileLargeEchoesWaitForClientsThatDoNotReadYet() throws Exception {
		List<RawWebSocket> stalled = new ArrayList<>();
		try {
			for (int i = 0; i < STALLED; i++) {
				RawWebSocket ws = RawWebSocket.connector()
					.receiveBufferSize(64 * 1024)
					.timeout(Duration.ofSeconds(30))
					.open(this.port, "/ws/echo");
				ws.sendInBackground(List.of(RawFrame.binary(new byte[8_000_000])));
				stalled.add(ws);
			}
			await().atMost(WsClient.TIMEOUT)
				.until(() -> this.registry.all()
					.stream()
					.filter((session) -> session.endpoint() == Endpoint.ECHO && session.bufferedBytes() > 0)
					.count() == STALLED);

			try (RawWebSocket ticking = RawWebSocket.connector()
				.timeout(Duration.ofSeconds(3)) // well inside the send-time limit that would free a stuck writer
				.open(this.port, "/ws/text?tick=100")) {
				assertThat(ticking.readText()).isEqualTo("world");
				for (int i = 0; i < 5; i++) {
					assertThat(ticking.readText()).contains("\"type\":\"tick\"");
				}
			}
		}
		finally {
			stalled.forEach(RawWebSocket::close);
		}
	}

}
