package io.wsdeck.liveness;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.wsdeck.push.Broadcaster;
import io.wsdeck.session.Endpoint;
import io.wsdeck.session.ManagedSession;
import io.wsdeck.session.SessionRegistry;
import io.wsdeck.support.Payloads;
import io.wsdeck.support.RawFrame;
import io.wsdeck.support.RawWebSocket;
import io.wsdeck.support.WsClient;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Dead-peer detection with short intervals, against raw clients that do or do not answer pings. */
class HeartbeatTest {

	@Nested
	@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { "wsdeck.heartbeat.interval=200ms", "wsdeck.heartbeat.missed-pongs=2" })
	class Pings {

		@LocalServerPort
		int port;

		@Autowired
		SessionRegistry registry;

		@Test
		void aClientThatNeverAnswersPingsIsClosedWith1001AfterTheMissedPongs() throws IOException {
			try (RawWebSocket silent = RawWebSocket.connector().timeout(Duration.ofSeconds(10)).open(this.port, "/ws")) {
				assertThat(silent.readText()).isEqualTo("world");
				int pings = 0;
				RawFrame frame;
				while ((frame = silent.readFrame()).opcode() == RawFrame.PING) {
					assertThat(frame.text()).isEqualTo("wsdeck-heartbeat");
					pings++;
				}
				assertThat(frame.opcode()).isEqualTo(RawFrame.CLOSE);
				assertThat(frame.close().code()).isEqualTo(1001);
				assertThat(frame.close().reason()).startsWith("no pong to 2 pings");
				assertThat(pings).isEqualTo(2);
			}
		}

		/**
		 * Traffic is proof of life too: a pong can be late behind megabytes of echo still in the socket buffers, and
		 * a client busy sending and reading is not dead, whatever its pongs. Once it goes quiet, the pongs count.
		 */
		@Test
		void aClientThatKeepsTheConnectionBusyIsNotTakenForDeadUntilItGoesQuiet() throws IOException {
			try (RawWebSocket busy = RawWebSocket.connector().timeout(Duration.ofSeconds(10)).open(this.port, "/ws")) {
				assertThat(busy.readText()).isEqualTo("world");
				long until = System.nanoTime() + Duration.ofMillis(1500).toNanos(); // 7 intervals, 2 pongs missed
				int pings = 0;
				for (int i = 0; System.nanoTime() < until; i++) {
					busy.sendText("m" + i);
					RawFrame frame;
					while ((frame = busy.readFrame()).opcode() == RawFrame.PING) {
						pings++; // never answered
					}
					assertThat(frame.opcode()).as("frame after message %d", i).isEqualTo(RawFrame.TEXT);
					assertThat(frame.text()).isEqualTo("m" + i);
				}
				assertThat(pings).isGreaterThan(2);

				RawFrame frame;
				while ((frame = busy.readFrame()).opcode() == RawFrame.PING) {
					// quiet now: these go unanswered and count
				}
				assertThat(frame.opcode()).isEqualTo(RawFrame.CLOSE);
				assertThat(frame.close().reason()).startsWith("no pong to 2 pings");
			}
		}

		/**
		 * A client that reads a large echo slowly answers each ping as it reaches it, behind megabytes still in the
		 * socket buffers once the last part has been written: it is reading, not dead (the fourth outside audit).
		 */
		@Test
		void aClientReadingALargeEchoSlowlyIsNotTakenForDead() throws IOException {
			byte[] large = Payloads.randomBytes(8_000_000, 11);
			try (RawWebSocket reader = RawWebSocket.connector()
				.receiveBufferSize(16 * 1024)
				.timeout(Duration.ofSeconds(30))
				.open(this.port, "/ws/echo")) {
				reader.send(RawFrame.of(RawFrame.BINARY, large));
				long received = 0;
				while (received < large.length) {
					RawFrame frame = reader.readFrame();
					if (frame.opcode() == RawFrame.PING) {
						reader.send(RawFrame.pong(frame.payload()));
						continue;
					}
					assertThat(frame.opcode()).as("after %d bytes", received).isIn(RawFrame.BINARY,
							RawFrame.CONTINUATION);
					received += frame.payload().length;
					// About 2 MB/s: the last 4 MB or so wait in the socket buffers for two seconds, ten heartbeats
					LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(4));
				}
				reader.sendText("still here");
				RawFrame frame;
				while ((frame = reader.readFrame()).opcode() == RawFrame.PING) {
					reader.send(RawFrame.pong(frame.payload()));
				}
				assertThat(frame.opcode()).isEqualTo(RawFrame.TEXT);
				assertThat(frame.text()).isEqualTo("still here");
			}
		}

		/**
		 * Ticks leave into socket buffers with room, which a peer that vanished without a FIN also takes: they are no
		 * sign of life. Before, they kept such a peer open until the buffers filled and a tick's write timed out.
		 */
		@Test
		void aClientThatOnlyReceivesTicksAndNeverAnswersIsTakenForDead() throws IOException {
			try (RawWebSocket vanished = RawWebSocket.connector()
				.timeout(Duration.ofSeconds(10))
				.open(this.port, "/ws/text?tick=50")) {
				await().atMost(WsClient.TIMEOUT).until(() -> this.registry.size() == 1);
				ManagedSession session = this.registry.all().iterator().next();
				// Reads nothing: three intervals, two pings unanswered, and a margin for the machine
				await().atMost(Duration.ofSeconds(3)).until(() -> session.closeSent() != null);
				assertThat(session.closeSent().getCode()).isEqualTo(1001);
				assertThat(session.closeSent().getReason()).startsWith("no pong to 2 pings");
			}
		}

		/** A client that sends is alive whatever its pongs, and a ping is something it sends. */
		@Test
		void aClientThatPingsButNeverAnswersPingsStaysOpen() throws IOException {
			try (RawWebSocket pinging = RawWebSocket.connector().timeout(Duration.ofSeconds(10)).open(this.port, "/ws")) {
				assertThat(pinging.readText()).isEqualTo("world");
				long until = System.nanoTime() + Duration.ofMillis(1500).toNanos(); // 7 intervals, 2 pongs missed
				while (System.nanoTime() < until) {
					pinging.send(RawFrame.ping(new byte[] { 7 }));
					RawFrame frame;
					while ((frame = pinging.readFrame()).opcode() == RawFrame.PING) {
						// the heartbeat's: never answered
					}
					assertThat(frame.opcode()).as("the answer to its own ping").isEqualTo(RawFrame.PONG);
				}
				assertThat(this.registry.all()).singleElement()
					.satisfies(session -> assertThat(session.closeSent()).isNull());
			}
		}

		@Test
		void aClientThatAnswersPingsStaysOpen() throws IOException {
			try (RawWebSocket alive = RawWebSocket.connector().timeout(Duration.ofSeconds(10)).open(this.port, "/ws")) {
				assertThat(alive.readText()).isEqualTo("world");
				for (int i = 0; i < 6; i++) {
					RawFrame ping = alive.readFrame();
					assertThat(ping.opcode()).as("frame %d", i).isEqualTo(RawFrame.PING);
					alive.send(RawFrame.pong(ping.payload()));
				}
				alive.sendText("still here");
				assertThat(alive.readText()).isEqualTo("still here");
				// Pings are written like any message, so once the last echo's write has settled the buffered-bytes
				// figure must be back at 0 (the client can read the echo just before the server thread settles it).
				await().atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(this.registry.all()).singleElement()
						.satisfies(session -> assertThat(session.bufferedBytes()).as("buffered bytes").isZero()));
			}
		}

	}

	/**
	 * Pings are written by the push senders' pool. With its one configured thread stuck on a client that does not
	 * read, another client's pings wait until the pool is given a thread more (StuckWriterCompensation); a ping that
	 * waits has not been sent, and its client is not dead.
	 */
	@Nested
	@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { "wsdeck.heartbeat.interval=200ms", "wsdeck.heartbeat.missed-pongs=2",
					"wsdeck.outbound.push-threads=1", "wsdeck.outbound.send-time-limit=30s" })
	class PushSendersStuck {

		@LocalServerPort
		int port;

		@Autowired
		SessionRegistry registry;

		@Autowired
		Broadcaster broadcaster;

		@Test
		void aClientWhosePingsWaitForAThreadIsNotTakenForDead() throws IOException {
			try (RawWebSocket stalled = RawWebSocket.connector().receiveBufferSize(4096).open(this.port, "/ws/text");
					WsClient other = WsClient.connect(this.port, "/ws/echo")) {
				await().atMost(WsClient.TIMEOUT).until(() -> this.registry.size() == 2);
				ManagedSession stuck = session(Endpoint.TEXT);
				ManagedSession waiting = session(Endpoint.ECHO);
				this.broadcaster.broadcast("b".repeat(12_000_000)); // /ws/echo takes no broadcasts
				await().during(Duration.ofMillis(500)).atMost(WsClient.TIMEOUT).until(() -> stuck.bufferedBytes() > 0);

				await("7 heartbeats, 2 missed pongs closing a session").during(Duration.ofMillis(1400))
					.atMost(Duration.ofSeconds(3))
					.until(() -> waiting.closeSent() == null && other.isOpen());
			}
		}

		private ManagedSession session(Endpoint endpoint) {
			return this.registry.all().stream().filter((s) -> s.endpoint() == endpoint).findFirst().orElseThrow();
		}

	}

	@Nested
	@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { "wsdeck.heartbeat.interval=100ms", "wsdeck.heartbeat.idle-timeout=600ms" })
	class IdleTimeout {

		@LocalServerPort
		int port;

		@Test
		void aClientThatSendsNoMessageIsClosedWith1001EvenThoughItAnswersPings() throws IOException {
			try (RawWebSocket idle = RawWebSocket.connector().timeout(Duration.ofSeconds(10)).open(this.port, "/ws")) {
				idle.answerPings(true);
				assertThat(idle.readText()).isEqualTo("world");
				long start = System.nanoTime();
				RawFrame.Close close = idle.readClose();
				assertThat(close.code()).isEqualTo(1001);
				assertThat(close.reason()).isEqualTo("idle: no message for 600 ms");
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
			}
		}

	}

}
