package io.wsdeck.protocol;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.wsdeck.support.Payloads;
import io.wsdeck.support.WsClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.socket.WebSocketExtension;
import org.springframework.web.socket.WebSocketHttpHeaders;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compressed sessions at once, each sending messages of random sizes and kinds (compressible and not, below and far
 * above the 8 KiB buffers, in one frame and in fragments), must each get every echo back byte for byte.
 * <p>
 * With the default negotiation (no context takeover either way) wsdeck's copy of Tomcat's PerMessageDeflate lends
 * its zlib objects per message from a pool all sessions share: a compressor handed back in the middle of a message,
 * or not reset, or used by two sessions at once, would corrupt an echo or fail a session. The fragmented messages
 * of constant bytes also pin a fix to Tomcat's decompression, in both modes: when a message's last frame inflated
 * to more than the message buffer held, Tomcat dropped the rest (an 81,996-byte message came back as 81,920 bytes).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class CompressedEchoTest {

	private static final int SESSIONS = 12;

	private static final int MESSAGES = 30;

	@LocalServerPort
	int port;

	@Test
	void concurrentCompressedSessionsGetEveryEchoWhole() throws Exception {
		ExecutorService threads = Executors.newFixedThreadPool(SESSIONS);
		try {
			List<Future<?>> sessions = new ArrayList<>();
			for (int s = 0; s < SESSIONS; s++) {
				long seed = s;
				sessions.add(threads.submit(() -> {
					exchange(seed);
					return null;
				}));
			}
			for (Future<?> session : sessions) {
				session.get(120, TimeUnit.SECONDS);
			}
		}
		finally {
			threads.shutdownNow();
		}
	}

	private void exchange(long seed) {
		WebSocketHttpHeaders headers = new WebSocketHttpHeaders();
		headers.setSecWebSocketExtensions(List.of(new WebSocketExtension("permessage-deflate")));
		Random random = new Random(seed);
		try (WsClient client = WsClient.connect(URI.create("ws://127.0.0.1:" + this.port + "/ws/echo"), headers)) {
			assertThat(client.session().getExtensions()).extracting(WebSocketExtension::getName)
				.containsExactly("permessage-deflate");
			for (int i = 0; i < MESSAGES; i++) {
				int size = random.nextInt(4) == 0 ? 20_000 + random.nextInt(200_000) : 1 + random.nextInt(3_000);
				switch (random.nextInt(3)) {
					case 0 -> {
						String text = ("message " + i + " of session " + seed + " ").repeat(size / 24 + 1);
						client.sendText(text);
						assertThat(client.nextText()).as("text echo %d of session %d", i, seed).isEqualTo(text);
					}
					case 1 -> {
						byte[] bytes = Payloads.randomBytes(size, seed * 1_000 + i);
						client.sendBinary(bytes);
						byte[] echo = client.nextBinary();
						assertThat(Arrays.mismatch(echo, bytes)).as("first wrong byte of binary echo %d (%d B, %d B "
								+ "back) of session %d", i, size, echo.length, seed)
							.isEqualTo(-1);
					}
					default -> {
						byte[] bytes = new byte[size];
						Arrays.fill(bytes, (byte) i);
						int fragment = 1 + random.nextInt(10_000);
						client.sendBinaryInFragments(bytes, fragment);
						byte[] echo = client.nextBinary();
						assertThat(Arrays.mismatch(echo, bytes)).as("first wrong byte of fragmented echo %d "
								+ "(%d B in %d B fragments, %d B back) of session %d", i, size, fragment, echo.length,
								seed)
							.isEqualTo(-1);
					}
				}
			}
		}
	}

}
