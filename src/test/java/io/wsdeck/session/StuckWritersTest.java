package io.wsdeck.session;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
 * More clients that stop reading than there are writer threads: their blocked writes must not hold up a reading
 * client's pushes, or another lab session's answers, until the send-time limit. An outside audit saw 34 paused
 * clients against the 32 default push threads delay everyone's broadcasts by up to 10 s.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "wsdeck.outbound.push-threads=2", "wsdeck.outbound.echo-threads=2",
				"wsdeck.outbound.send-time-limit=30s" })
class StuckWritersTest {

	private static final int STALLED = 4;

	/** More than the kernel buffers of a loopback connection hold, so a write to a client that does not read blocks. */
	private static final int BIG = 12_000_000;

	@LocalServerPort
	int port;

	@Autowired
	SessionRegistry registry;

	@Autowired
	Broadcaster broadcaster;

	@Test
	void clientsThatStopReadingDoNotHoldUpAReadersPushesWhenTheyOutnumberThePushThreads() throws IOException {
		List<RawWebSocket> stalled = new ArrayList<>();
		// Each read may wait 5 s: far less than the 30 s a stuck thread would hold the pushes up
		try (RawWebSocket reader = RawWebSocket.connector().timeout(Duration.ofSeconds(5)).open(this.port, "/ws/text")) {
			reader.expectText("world");
			for (int i = 0; i < STALLED; i++) {
				stalled.add(RawWebSocket.connector().receiveBufferSize(4096).open(this.port, "/ws/text"));
			}
			await().atMost(WsClient.TIMEOUT).until(() -> sessionsOn(Endpoint.TEXT) == STALLED + 1);

			this.broadcaster.broadcast("b".repeat(BIG));
			assertThat(reader.readText()).hasSize(BIG);
			await().atMost(WsClient.TIMEOUT)
				.until(() -> this.registry.all()
					.stream()
					.filter((session) -> session.endpoint() == Endpoint.TEXT && session.bufferedBytes() > 0)
					.count() == STALLED);

			this.broadcaster.broadcast("after");
			assertThat(reader.readText()).isEqualTo("after");
		}
		finally {
			stalled.forEach(RawWebSocket::close);
		}
	}

	/** Lab answers are written by the echo writers: floods nobody reads must not hold up another session's answer. */
	@Test
	void floodsNobodyReadsDoNotHoldUpAnotherLabSessionsAnswersWhenTheyOutnumberTheEchoThreads() throws IOException {
		List<RawWebSocket> stalled = new ArrayList<>();
		try (RawWebSocket lab = RawWebSocket.connector().timeout(Duration.ofSeconds(5)).open(this.port, "/ws/lab")) {
			for (int i = 0; i < STALLED; i++) {
				RawWebSocket flooded = RawWebSocket.connector().receiveBufferSize(4096).open(this.port, "/ws/lab");
				stalled.add(flooded);
				flooded.sendText("flood 1000 10000"); // 10 MB: more than the kernel buffers hold
			}
			await().atMost(WsClient.TIMEOUT)
				.until(() -> this.registry.all()
					.stream()
					.filter((session) -> session.endpoint() == Endpoint.LAB && session.bufferedBytes() > 0)
					.count() == STALLED);

			lab.sendText("echo still answered");
			assertThat(lab.readText()).isEqualTo("still answered");
		}
		finally {
			stalled.forEach(RawWebSocket::close);
		}
	}

	private long sessionsOn(Endpoint endpoint) {
		return this.registry.all().stream().filter((session) -> session.endpoint() == endpoint).count();
	}

}
