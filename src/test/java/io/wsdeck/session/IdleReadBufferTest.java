package io.wsdeck.session;

import io.wsdeck.support.ConnectionBuffers;
import io.wsdeck.support.Payloads;
import io.wsdeck.support.WsClient;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

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

}
