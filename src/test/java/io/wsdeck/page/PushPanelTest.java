package io.wsdeck.page;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
	void anIntervalTheServerWouldRefuseKeepsTheTickingSocketAndSaysTheRange() {
		this.page.connectAndAwaitOpen().askForTicks(100);
		await().until(() -> this.page.socketUrl().endsWith("?tick=100") && "0,1".equals(this.page.transitions()));

		this.page.typeTickInterval("10");

		assertThat(this.page.find("#tick-ms").getDomAttribute("aria-invalid")).isEqualTo("true");
		assertThat(this.page.find("#tick-problem").getText())
			.startsWith("\"10\" is not an interval wsdeck takes: whole milliseconds from 50 to 3,600,000");
		int ticks = this.page.tickSequence().size();
		await().until(() -> this.page.tickSequence().size() > ticks); // the same socket still ticks
		assertThat(this.page.socketUrl()).endsWith("?tick=100");
		assertThat(this.page.address()).endsWith("?tick=100");
		assertThat(this.page.transitions()).isEqualTo("0,1");
		assertThat(this.page.events("close")).hasSize(1); // the first socket's, closed to ask for ticks

		this.page.typeTickInterval("200");

		assertThat(this.page.find("#tick-ms").getDomAttribute("aria-invalid")).isEqualTo("false");
		assertThat(this.page.find("#tick-problem").isDisplayed()).isFalse();
		await().until(() -> this.page.socketUrl().endsWith("?tick=200") && "0,1".equals(this.page.transitions()));
	}

	@Test
	void turningTicksOnWithAnIntervalOutOfRangeLeavesTheSocketAlone() {
		this.page.connectAndAwaitOpen().askForTicks(3_600_001);

		assertThat(this.page.find("#tick-toggle").isSelected()).isFalse();
		assertThat(this.page.find("#tick-problem").getText()).contains("from 50 to 3,600,000");
		assertThat(this.page.address()).isEqualTo("ws://127.0.0.1:" + this.port + "/ws");
		assertThat(this.page.socketUrl()).isEqualTo("ws://127.0.0.1:" + this.port + "/ws");
		assertThat(this.page.readyState()).isEqualTo(1);
		assertThat(this.page.events("close")).isEmpty();
	}

	@Test
	void aBroadcastPostedFromOutsideThePageIsListedAsAPushButTheEchoOfASendIsNot() throws Exception {
		this.page.connectAndAwaitOpen().sendText("an echo, not a push");
		await().until(() -> "true".equals(this.page.lastSend().get("match")));

		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/api/broadcast"))
				.POST(HttpRequest.BodyPublishers.ofString("from curl"))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.body()).isEqualTo("{\"reached\":1}");

		await().until(() -> this.page.broadcastsShown() == 1);
		assertThat(this.page.find("#pushes li[data-type=broadcast]").getText()).contains("broadcast \"from curl\" · #1")
			.endsWith("posted from elsewhere");
		assertThat(this.page.find("#push-count").getText()).isEqualTo("0 ticks, 1 broadcast");
	}

	@Test
	void broadcastBoxReachesThisPagesOwnSocket() {
		this.page.connectAndAwaitOpen().broadcast("Hello, everyone");

		await().until(() -> "200".equals(this.page.broadcastResult().getDomAttribute("data-status")));
		assertThat(Integer.parseInt(this.page.broadcastResult().getDomAttribute("data-reached"))).isPositive();
		await().until(() -> this.page.broadcastsShown() == 1);
		assertThat(this.page.find("#pushes li[data-type=broadcast]").getDomAttribute("data-from")).isEqualTo("page");
		assertThat(this.page.events("message")).extracting((message) -> message.get("details"))
			.contains("string \"Hello, everyone\"");
	}

}
