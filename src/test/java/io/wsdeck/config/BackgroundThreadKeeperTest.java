package io.wsdeck.config;

import java.io.IOException;
import java.util.List;

import io.wsdeck.session.SessionRegistry;
import io.wsdeck.support.RawWebSocket;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Sessions that open and close one after another, the open count touching zero each time, leave Tomcat's WebSocket
 * background thread as it was: without {@link BackgroundThreadKeeper} Tomcat halts it at every zero and starts a
 * new one at the next session.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class BackgroundThreadKeeperTest {

	private static final String NAME = "WebSocket background processing";

	@LocalServerPort
	int port;

	@Autowired
	SessionRegistry sessions;

	@Test
	void oneBackgroundThreadOutlivesSessionsComingAndGoing() throws IOException {
		await().until(() -> this.sessions.size() == 0);
		List<Thread> before = backgroundThreads();
		assertThat(before).as("Tomcat's WebSocket background thread with no session open").hasSize(1);

		for (int i = 0; i < 5; i++) {
			try (RawWebSocket ws = RawWebSocket.open(this.port, "/ws/echo")) {
				ws.sendText("cycle " + i);
				assertThat(ws.readText()).isEqualTo("cycle " + i);
				ws.sendClose(1000, "done");
				assertThat(ws.readClose().code()).isEqualTo(1000);
			}
			await().until(() -> this.sessions.size() == 0);
		}

		assertThat(backgroundThreads()).as("the same thread, still running").containsExactlyElementsOf(before);
		assertThat(before.get(0).isAlive()).isTrue();
	}

	/** Live threads by the name Tomcat gives a running background thread; a halted one is renamed "- stopping". */
	private static List<Thread> backgroundThreads() {
		return Thread.getAllStackTraces().keySet().stream().filter(t -> NAME.equals(t.getName())).toList();
	}

}
