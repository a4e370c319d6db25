package io.wsdeck.page;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Server push through the page: ticks asked for at the handshake, and the broadcast API. */
class PushPanelTest extends PageInChromium {

	@Test
	void tickToggleReconnectsWithTickInTheAddressAndShowsTicksAsTheyArrive() {
		this.page.connectAndAwaitOpen().askForTicks(100);

		assertThat(this.page.address()).isEqualTo("ws://127.0.0.1:" + this.port + "/ws?tick=100");
		await().until(() -> this.page.socketUrl().endsWith("?tick=100") && this.page.tickSequence().size() >= 3);
		List<Long> sequence = this.page.tickSequence();
		assertThat(sequence.subList(0, 3)).containsExactly(1L, 2L, 3L);
		assertThat(this.page.events("message")).extracting((message) -> message.get("details"))
			.anyMatch((details) -> details.startsWith("string \"{\"type\":\"tick\",\"seq\":1,\"intervalMs\":100,"));
	}

	@Test
	void tickToggleOffReconnectsWithoutTicks() {
		this.page.askForTicks(100).connectAndAwaitOpen();
		await().until(() -> !this.page.tickSequence().isEmpty());

		this.page.find("#tick-toggle").click();

		assertThat(this.page.address()).isEqualTo("ws://127.0.0.1:" + this.port + "/ws");
		await().until(() -> this.page.socketUrl().endsWith("/ws") && "0,1".equals(this.page.transitions()));
		int ticks = this.page.tickSequence().size();
		await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
			.until(() -> this.page.tickSequence().size() == ticks);
	}

	@Test
	void broadcastBoxReachesThisPagesOwnSocket() {
		this.page.connectAndAwaitOpen().broadcast("Hello, everyone");

		await().until(() -> "200".equals(this.page.broadcastResult().getDomAttribute("data-status")));
		assertThat(Integer.parseInt(this.page.broadcastResult().getDomAttribute("data-reached"))).isPositive();
		await().until(() -> this.page.broadcastsShown() == 1);
		assertThat(this.page.events("message")).extracting((message) -> message.get("details"))
			.contains("string \"Hello, everyone\"");
	}

}
