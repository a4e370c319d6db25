package io.wsdeck.echo;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.wsdeck.session.SessionRegistry;
import io.wsdeck.support.WsClient;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class ManyClientsTest {

	private static final int CLIENTS = 50;

	private static final int MESSAGES = 200;

	@LocalServerPort
	int port;

	@Autowired
	SessionRegistry registry;

	@Test
	void fiftyClientsEachGetAllTwoHundredEchoesInOrder() throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
		try {
			List<CompletableFuture<Integer>> results = new ArrayList<>();
			for (int c = 0; c < CLIENTS; c++) {
				int id = c;
				results.add(CompletableFuture.supplyAsync(() -> talk(id), pool));
			}
			CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
			assertThat(results).extracting(CompletableFuture::join).containsOnly(MESSAGES);
		}
		finally {
			pool.shutdownNow();
		}
		await().atMost(WsClient.TIMEOUT).until(() -> this.registry.size() == 0);
	}

	private int talk(int id) {
		try (WsClient client = WsClient.connectGreeted(this.port, id % 2 == 0 ? "/ws" : "/ws/text")) {
			for (int i = 0; i < MESSAGES; i++) {
				client.sendText("client " + id + " message " + i);
			}
			int received = 0;
			for (int i = 0; i < MESSAGES; i++) {
				assertThat(client.nextText()).isEqualTo("client " + id + " message " + i);
				received++;
			}
			return received;
		}
	}

}
