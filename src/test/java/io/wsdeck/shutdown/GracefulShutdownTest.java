package io.wsdeck.shutdown;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.wsdeck.WsdeckApplication;
import io.wsdeck.support.WsClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;

/** Closing the context (what SIGTERM does) tells every client 1001 before the server stops. */
class GracefulShutdownTest {

	@Test
	void everyClientReceives1001AndTheServerStopsWithinTheTimeout() {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(WsdeckApplication.class)
			.run("--server.port=0", "--server.address=127.0.0.1", "--wsdeck.shutdown.timeout=5s");
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		List<WsClient> clients = new ArrayList<>();
		for (String path : List.of("/ws", "/ws/text?tick=100", "/ws/binary")) {
			clients.add(WsClient.connect(port, path));
		}

		long start = System.nanoTime();
		context.close();
		Duration took = Duration.ofNanos(System.nanoTime() - start);

		for (WsClient client : clients) {
			CloseStatus status = client.awaitClose();
			assertThat(status.getCode()).isEqualTo(CloseStatus.GOING_AWAY.getCode());
			assertThat(status.getReason()).isEqualTo("server shutting down");
		}
		assertThat(took).as("clients answer the close at once, so shutdown need not wait out the timeout")
			.isLessThan(Duration.ofSeconds(5));
	}

}
