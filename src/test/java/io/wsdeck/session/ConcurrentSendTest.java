package io.wsdeck.session;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.wsdeck.push.Broadcaster;
import io.wsdeck.support.WsClient;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Echo replies and pushes from several threads on one session at once. Without serialised sends Tomcat throws
 * {@code IllegalStateException: ... TEXT_PARTIAL_WRITING} and kills the session; this proves every message of
 * both kinds arrives whole, each stream in its own order.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class ConcurrentSendTest {

	private static final int ECHOES = 2_000;

	private static final int PUSH_THREADS = 4;

	private static final int PUSHES_PER_THREAD = 500;

	@LocalServerPort
	int port;

	@Autowired
	Broadcaster broadcaster;

	@Test
	void echoAndPushesFromSeveralThreadsAllArriveWholeAndInOrder() throws Exception {
		try (WsClient client = WsClient.connectGreeted(this.port, "/ws/text?tick=50")) {
			ExecutorService pushers = Executors.newFixedThreadPool(PUSH_THREADS + 1);
			List<Future<?>> work = new ArrayList<>();
			for (int t = 0; t < PUSH_THREADS; t++) {
				int thread = t;
				work.add(pushers.submit(() -> {
					for (int i = 0; i < PUSHES_PER_THREAD; i++) {
						this.broadcaster.broadcast("push " + thread + " " + i + " " + "x".repeat(i % 300));
					}
				}));
			}
			work.add(pushers.submit(() -> {
				for (int i = 0; i < ECHOES; i++) {
					client.sendText("echo " + i + " " + "y".repeat(i % 5000));
				}
			}));
			for (Future<?> done : work) {
				done.get(60, TimeUnit.SECONDS);
			}
			pushers.shutdown();

			int[] nextPush = new int[PUSH_THREADS];
			int nextEcho = 0;
			while (nextEcho < ECHOES || sum(nextPush) < PUSH_THREADS * PUSHES_PER_THREAD) {
				String message = client.nextText();
				String[] parts = message.split(" ");
				switch (parts[0]) {
					case "echo" -> {
						assertThat(message).isEqualTo("echo " + nextEcho + " " + "y".repeat(nextEcho % 5000));
						nextEcho++;
					}
					case "push" -> {
						int thread = Integer.parseInt(parts[1]);
						int i = nextPush[thread];
						assertThat(message).isEqualTo("push " + thread + " " + i + " " + "x".repeat(i % 300));
						nextPush[thread]++;
					}
					default -> assertThat(message).startsWith("{\"type\":\"tick\"");
				}
			}
			assertThat(client.isOpen()).isTrue();
		}
	}

	private static int sum(int[] counts) {
		int sum = 0;
		for (int count : counts) {
			sum += count;
		}
		return sum;
	}

}
