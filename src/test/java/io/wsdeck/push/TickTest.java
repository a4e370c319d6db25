package io.wsdeck.push;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.wsdeck.support.Payloads;
import io.wsdeck.support.WsClient;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class TickTest {

	private static final JsonMapper json = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@Autowired
	Ticker ticker;

	@Test
	void ticksArriveInSequenceAtAboutTheAskedRate() {
		try (WsClient client = WsClient.connectGreeted(this.port, "/ws/text?tick=50")) {
			long start = System.nanoTime();
			List<JsonNode> ticks = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				ticks.add(json.readTree(client.nextText()));
			}
			Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

			assertThat(ticks).extracting(tick -> tick.get("type").asString()).containsOnly("tick");
			assertThat(ticks).extracting(tick -> tick.get("seq").asLong()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L,
					8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L, 20L);
			assertThat(ticks).extracting(tick -> tick.get("intervalMs").asLong()).containsOnly(50L);
			// 20 ticks at 50 ms: about a second. Loose bounds: the machine is shared, but ticks must be paced,
			// not sent in a burst, and must not crawl.
			assertThat(elapsed).isBetween(Duration.ofMillis(800), Duration.ofSeconds(5));
		}
	}

	@Test
	void ticksStopWhenTheSessionCloses() {
		WsClient client = WsClient.connectGreeted(this.port, "/ws?tick=50");
		client.nextText();
		client.close();
		await().atMost(WsClient.TIMEOUT).until(() -> this.ticker.ticking() == 0);
	}

	@Test
	void tenMillionByteTextEchoComesBackIntactWhileTicksFlow() {
		String text = Payloads.randomText(Payloads.TUTORIAL_SIZE, 7);
		try (WsClient client = WsClient.connectGreeted(this.port, "/ws?tick=50")) {
			assertThat(client.nextText()).contains("\"seq\":1");
			client.sendText(text);
			String echo = null;
			List<Long> seqs = new ArrayList<>();
			while (echo == null || seqs.size() < 3) {
				String message = client.nextText();
				if (message.startsWith("{\"type\":\"tick\"")) {
					seqs.add(json.readTree(message).get("seq").asLong());
				}
				else {
					assertThat(echo).as("only one echo expected").isNull();
					echo = message;
				}
			}
			assertThat(Payloads.sha256(echo)).isEqualTo(Payloads.sha256(text));
			assertThat(seqs).isSorted().doesNotHaveDuplicates();
		}
	}

	@Test
	void tenMillionByteBinaryEchoComesBackIntactWhileTicksFlow() {
		byte[] bytes = Payloads.randomBytes(Payloads.TUTORIAL_SIZE, 8);
		try (WsClient client = WsClient.connectGreeted(this.port, "/ws?tick=50")) {
			assertThat(client.nextText()).contains("\"seq\":1");
			client.sendBinary(bytes);
			byte[] echo = null;
			int ticksAfter = 0;
			while (echo == null || ticksAfter < 2) {
				Object message = client.next();
				if (message instanceof byte[] binary) {
					echo = binary;
				}
				else if (echo != null) {
					ticksAfter++;
				}
			}
			assertThat(Payloads.sha256(echo)).isEqualTo(Payloads.sha256(bytes));
			assertThat(client.isOpen()).isTrue();
		}
	}

}
