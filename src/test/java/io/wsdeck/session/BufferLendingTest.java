package io.wsdeck.session;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.wsdeck.support.Payloads;
import io.wsdeck.support.RawFrame;
import io.wsdeck.support.RawWebSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * wsdeck lends a session Tomcat's input and message buffers only while part of a frame or message is in them, and
 * the same buffers then serve other sessions on the same thread (see WsFrameBase). If one were ever shared by two
 * sessions at once, or handed back with bytes still in it, some message would come back altered. Here many
 * sessions at once send fragmented text (multi-byte characters, a surrogate pair among them, split across frames)
 * and binary messages, written
 * to the socket in random cuts so that reads end inside headers and payloads, and every echo must match.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "logging.level.io.wsdeck.session=WARN") // 2 x 24 INFO lines are noise here
class BufferLendingTest {

	private static final int SESSIONS = 24;

	private static final int MESSAGES_PER_SESSION = 60;

	@LocalServerPort
	int port;

	@Test
	@Timeout(value = 2, unit = TimeUnit.MINUTES)
	void manySessionsCuttingFramesAnywhereEachGetTheirOwnMessagesBack() throws Exception {
		ExecutorService clients = Executors.newFixedThreadPool(8);
		try {
			List<Future<Integer>> sessions = new ArrayList<>();
			for (int s = 0; s < SESSIONS; s++) {
				long seed = s;
				sessions.add(clients.submit(() -> exchange(seed)));
			}
			for (Future<Integer> session : sessions) {
				assertThat(session.get()).isEqualTo(MESSAGES_PER_SESSION);
			}
		}
		finally {
			clients.shutdownNow();
		}
	}

	/** One session: each message is sent in 1-4 frames, cut into random pieces, and its echo compared. */
	private int exchange(long seed) throws Exception {
		SplittableRandom random = new SplittableRandom(seed);
		int echoed = 0;
		try (RawWebSocket ws = RawWebSocket.open(this.port, "/ws/echo")) {
			for (int m = 0; m < MESSAGES_PER_SESSION; m++) {
				boolean text = random.nextBoolean();
				int size = random.nextInt(random.nextBoolean() ? 200 : 40_000);
				byte[] payload = text
						? (Payloads.randomText(size, seed * 1000 + m) + "\uD83D\uDE00").getBytes(StandardCharsets.UTF_8)
						: Payloads.randomBytes(size, seed * 1000 + m);
				ByteArrayOutputStream wire = new ByteArrayOutputStream();
				for (RawFrame frame : RawFrame.fragments(text ? RawFrame.TEXT : RawFrame.BINARY, payload,
						1 + random.nextInt(4))) {
					wire.writeBytes(frame.encode());
				}
				byte[] bytes = wire.toByteArray();
				for (int offset = 0; offset < bytes.length;) {
					int cut = Math.min(bytes.length - offset, 1 + random.nextInt(random.nextBoolean() ? 7 : 9_000));
					ws.sendRaw(Arrays.copyOfRange(bytes, offset, offset + cut));
					offset += cut;
				}

				RawWebSocket.Message echo = ws.readMessage();
				assertThat(echo.opcode()).as("kind of echo %d of session %d", m, seed)
					.isEqualTo(text ? RawFrame.TEXT : RawFrame.BINARY);
				assertThat(echo.payload()).as("echo %d of session %d (%d bytes)", m, seed, size).isEqualTo(payload);
				echoed++;
			}
		}
		return echoed;
	}

}
