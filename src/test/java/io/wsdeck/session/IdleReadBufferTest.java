package io.wsdeck.session;

import io.wsdeck.support.ConnectionBuffers;
import io.wsdeck.support.Payloads;
import io.wsdeck.support.WsClient;
import org.apache.tomcat.util.net.SocketBufferHandler;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.test.util.ReflectionTestUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An idle session holds no socket read buffer: wsdeck's copy of Tomcat's SocketBufferHandler lends it per thread,
 * handed back when the session opens and after each read (Tomcat kept it, 4 KiB here, for the connection's life, the
 * one buffer an idle {@code ws://} connection still held). Whatever comes next borrows one again.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class IdleReadBufferTest {

	@Autowired
	WebServerApplicationContext context;

	@LocalServerPort
	int port;

	@Test
	void idleSessionsHoldNoReadBufferWhetherTheyHaveSentAnythingOrNot() {
		byte[] large = Payloads.randomBytes(200_000, 7);
		try (WsClient greetedOnly = WsClient.connectGreeted(this.port, "/ws/text");
				WsClient exchanged = WsClient.connect(this.port, "/ws/echo")) {
			assertThat(exchanged.sendText("small").nextText()).isEqualTo("small");
			assertThat(exchanged.sendBinaryInFragments(large, 3_000).nextBinary()).isEqualTo(large);

			await().atMost(WsClient.TIMEOUT)
				.untilAsserted(() -> assertThat(ConnectionBuffers.webSocketChannels(this.context, this.port)).hasSize(2)
					.allSatisfy((channel) -> assertThat(ConnectionBuffers.readBufferBytes(channel)).isZero()));

			assertThat(greetedOnly.sendText("now").nextText()).isEqualTo("now");
			assertThat(exchanged.sendBinary(large).nextBinary()).isEqualTo(large);
		}
	}

	/**
	 * A close made during a read (a client's close frame is answered and the socket closed within it) gives the
	 * connection Tomcat's shared, empty buffers; the read buffer handed back afterwards is the connection's own, and
	 * nothing is lent to or taken from the shared ones. Handing back theirs once left every reading thread without a
	 * spare, so that each new session allocated its read buffer afresh.
	 */
	@Test
	void sessionsClosedDuringAReadLeaveTomcatsSharedEmptyBuffersAlone() {
		for (int i = 0; i < 3; i++) {
			try (WsClient client = WsClient.connect(this.port, "/ws/echo")) {
				assertThat(client.sendText("bye").nextText()).isEqualTo("bye");
			}
		}
		await().atMost(WsClient.TIMEOUT)
			.until(() -> ConnectionBuffers.webSocketChannels(this.context, this.port).isEmpty());

		Object shared = ReflectionTestUtils.getField(SocketBufferHandler.class, "EMPTY");
		Object lentOut = ReflectionTestUtils.getField(SocketBufferHandler.class, "NO_BYTES");
		assertThat(ReflectionTestUtils.getField(shared, "readBuffer")).isNotSameAs(lentOut);
	}

}
