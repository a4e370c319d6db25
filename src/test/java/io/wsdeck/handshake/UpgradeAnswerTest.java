package io.wsdeck.handshake;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.wsdeck.config.WsdeckProperties;
import io.wsdeck.support.RawUpgradeRequest;
import io.wsdeck.support.RawWebSocket;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.handler.TextWebSocketHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the {@code 101} leaves (wsdeck's copies of Tomcat's {@code Http11OutputBuffer} and
 * {@code WsHttpUpgradeHandler}): with the session's greeting, in one write, for an endpoint that greets; before the
 * session opens, as Tomcat writes it, for one that does not, so the client can send while the server opens it.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class UpgradeAnswerTest {

	private static final String QUIET = "/test/quiet-slow-open";

	/** wsdeck.echo.greeting's default. */
	private static final String GREETING = "world";

	/** How long the quiet endpoint's opening waits for the client to have its 101. */
	private static final long OPENING_WAIT_SECONDS = 10;

	@LocalServerPort
	private int port;

	@Autowired
	private SlowOpening slowOpening;

	@Test
	void aSessionThatSendsNothingAsItOpensHasIts101WrittenBeforeItOpens() throws IOException, InterruptedException {
		// The client gets its 101 while the session's opening still waits for exactly that; had the answer waited
		// for the opening, the opening would time out first.
		try (RawWebSocket ws = RawWebSocket.open(this.port, QUIET)) {
			this.slowOpening.clientHasItsAnswer.countDown();
			assertThat(this.slowOpening.opened.await(OPENING_WAIT_SECONDS + 5, TimeUnit.SECONDS)).isTrue();
			assertThat(this.slowOpening.answeredWhileOpening).as("the 101 reached the client while the session opened")
				.isTrue();
			ws.sendText("after the wait");
			assertThat(ws.readText()).isEqualTo("after the wait");
		}
	}

	@Test
	void aGreetingLeavesInTheSameWriteAsThe101() throws IOException {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.port)) {
			socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(RawWebSocket.DEFAULT_TIMEOUT_SECONDS));
			socket.getOutputStream().write(RawUpgradeRequest.to("/ws/text").toBytes("127.0.0.1:" + this.port));
			// One read takes whatever has arrived: what the server wrote at once arrives at once on loopback.
			byte[] buffer = new byte[4096];
			InputStream in = socket.getInputStream();
			int n = in.read(buffer);
			String head = new String(buffer, 0, Math.max(n, 0), StandardCharsets.ISO_8859_1);
			assertThat(head).startsWith("HTTP/1.1 101");
			int end = head.indexOf("\r\n\r\n") + 4;
			assertThat(end).as("the end of the 101's head").isGreaterThan(3);
			assertThat(Arrays.copyOfRange(buffer, end, n)).as("what came with the 101")
				.isEqualTo(greetingFrame(GREETING));
		}
	}

	private static byte[] greetingFrame(String text) {
		byte[] payload = text.getBytes(StandardCharsets.UTF_8);
		byte[] frame = new byte[2 + payload.length];
		frame[0] = (byte) 0x81; // FIN, text
		frame[1] = (byte) payload.length; // unmasked, short
		System.arraycopy(payload, 0, frame, 2, payload.length);
		return frame;
	}

	/** An echo whose opening waits until the client says it has its 101, or {@link #OPENING_WAIT_SECONDS}. */
	static final class SlowOpening extends TextWebSocketHandler {

		final CountDownLatch clientHasItsAnswer = new CountDownLatch(1);

		final CountDownLatch opened = new CountDownLatch(1);

		volatile boolean answeredWhileOpening;

		@Override
		public void afterConnectionEstablished(WebSocketSession session) throws InterruptedException {
			this.answeredWhileOpening = this.clientHasItsAnswer.await(OPENING_WAIT_SECONDS, TimeUnit.SECONDS);
			this.opened.countDown();
		}

		@Override
		protected void handleTextMessage(WebSocketSession session, TextMessage message) throws IOException {
			session.sendMessage(message);
		}

	}

	@TestConfiguration
	static class QuietEndpoint {

		@Bean
		SlowOpening slowOpening() {
			return new SlowOpening();
		}

		@Bean
		WebSocketConfigurer quietEndpoint(SlowOpening handler, WsdeckProperties properties) {
			return (registry) -> registry.addHandler(handler, QUIET)
				.setHandshakeHandler(new WsdeckHandshakeHandler(List.of(), properties.compression(), false));
		}

	}

}
