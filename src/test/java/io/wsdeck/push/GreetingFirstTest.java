package io.wsdeck.push;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.wsdeck.support.RawWebSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The greeting is the first message on /ws and /ws/text, whatever is broadcast while the session opens: clients
 * (the tutorial's) take the first message for the greeting. A session is registered, and so reachable by
 * broadcasts, just before it is greeted; the broadcasts that find it then wait for the greeting.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "wsdeck.heartbeat.interval=1h")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GreetingFirstTest {

	private static final int CONNECTIONS = 200;

	@LocalServerPort
	int port;

	@Autowired
	Broadcaster broadcaster;

	@Test
	void noBroadcastComesBeforeTheGreeting() throws Exception {
		AtomicBoolean connecting = new AtomicBoolean(true);
		CompletableFuture<Void> broadcasting = CompletableFuture.runAsync(() -> {
			while (connecting.get()) {
				this.broadcaster.broadcast("news");
			}
		});
		try {
			for (int i = 0; i < CONNECTIONS; i++) {
				try (RawWebSocket ws = RawWebSocket.open(this.port, (i % 2 == 0) ? "/ws" : "/ws/text")) {
					assertThat(ws.readText()).as("first message on connection %d", i).isEqualTo("world");
				}
			}
		}
		finally {
			connecting.set(false);
			broadcasting.get(10, TimeUnit.SECONDS);
		}
	}

}
