package io.wsdeck.page;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.wsdeck.support.WsClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.chromium.HasCdp;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The metrics dashboard: {@code GET /api/stats} polled once a second and drawn as numbers and charts, in the
 * deck's {@code #dashboard} panel and on {@code /dashboard.html}. Everything is read from what the panel shows
 * ({@code data-value} beside each number, {@code data-state} on the panel), while real clients make the load.
 */
class DashboardPanelTest extends PageInChromium {

	/** Two shared cores and a once-a-second poll: a change can take a few seconds to show. */
	private static final Duration PATIENCE = Duration.ofSeconds(30);

	private static final JsonMapper json = JsonMapper.builder().build();

	@BeforeEach
	void aQuietServerInTheLightScheme() {
		// Sockets of earlier tests (this class's and others' in the same server) close asynchronously.
		RestClient http = RestClient.create("http://127.0.0.1:" + this.port);
		await().atMost(PATIENCE)
			.until(() -> json.readTree(http.get().uri("/api/stats").retrieve().body(String.class))
				.get("openSessions")
				.asInt() == 0);
		colorScheme("light");
	}

	@Test
	void openSessionsCountASecondClientAndFallBackWhenItCloses() {
		this.page.connectAndAwaitOpen();
		await().atMost(PATIENCE).until(() -> reading("open-sessions") == 1);

		try (WsClient second = WsClient.connect(this.port, "/ws/text")) {
			await().atMost(PATIENCE).until(() -> reading("open-sessions") == 2);
			assertThat(this.page.find("#dashboard .metric-detail").getText()).contains("mixed 1", "text 1", "binary 0");
		}

		await().atMost(PATIENCE).until(() -> reading("open-sessions") == 1);
		assertThat(this.page.find("#dashboard-open-sessions").getText()).isEqualTo("1");
		assertThat(browser.consoleErrors()).isEmpty();
	}

	@Test
	void messagesPerSecondRiseWhileTrafficFlowsAndFallToZeroWhenItStops() {
		try (WsClient client = WsClient.connectGreeted(this.port, "/ws")) {
			awaitWhileSending(client, () -> reading("messages-in") > 0 && reading("messages-out") > 0
					&& reading("bytes-in") > 0 && reading("bytes-out") > 0);
			assertThat(this.page.find("#dashboard-messages-in").getText()).matches("[0-9.,]+/s");
			assertThat(this.page.find("#dashboard-bytes-out").getText()).matches("[0-9.,]+ k?B/s");
		}

		await().atMost(PATIENCE).until(() -> reading("messages-in") == 0 && reading("messages-out") == 0);
		assertThat(browser.consoleErrors()).isEmpty();
	}

	@Test
	void dashboardPageOnItsOwnShowsTheSameNumbers() {
		try (WsClient client = WsClient.connectGreeted(this.port, "/ws")) {
			await().atMost(PATIENCE).until(() -> reading("open-sessions") == 1);

			openStandalone();
			await().atMost(PATIENCE).until(() -> reading("open-sessions") == 1);
			assertThat(this.page.find("#dashboard-buffered-bytes").getText()).isEqualTo("0 B");
			assertThat(this.page.find("#dashboard .dashboard-head a").getDomAttribute("href")).isEqualTo("./");
		}

		await().atMost(PATIENCE).until(() -> reading("open-sessions") == 0);
		assertReadable();
		assertThat(browser.consoleErrors()).isEmpty();
	}

	@Test
	void showsStatsUnavailableWhileTheServerCannotBeReachedAndRecoversByItself() {
		await().atMost(PATIENCE).until(() -> "live".equals(panelState()));
		cdp("Network.enable", Map.of());
		try {
			cdp("Network.setBlockedURLs", Map.of("urls", List.of("*/api/stats*")));
			await().atMost(PATIENCE).until(() -> "unavailable".equals(panelState()));
			assertThat(this.page.find("#dashboard .dashboard-status").getText())
				.startsWith("stats unavailable: the server cannot be reached. Retrying every second. Last snapshot at ");
			assertThat(this.page.find("#dashboard-open-sessions").getDomAttribute("data-value"))
				.as("the last numbers stay, faded")
				.isEqualTo("0");
		}
		finally {
			cdp("Network.setBlockedURLs", Map.of("urls", List.of()));
		}

		await().atMost(PATIENCE).until(() -> "live".equals(panelState()));
		assertThat(browser.consoleErrors()).as("only the blocked requests, no script error")
			.allMatch((error) -> error.contains("/api/stats") && error.contains("ERR_BLOCKED_BY_CLIENT"));
	}

	@Test
	void stopsAskingWhileTheTabIsHiddenAndAsksAgainAtOnceWhenItIsShown() {
		await().atMost(PATIENCE).until(() -> "live".equals(panelState()));

		// WebDriver cannot hide a headless tab, so the test plays the browser's part: visibilityState and its event.
		tabVisibility("hidden");
		String[] lastSeen = { panelTime() };
		await().atMost(PATIENCE).during(Duration.ofMillis(3500)).until(() -> {
			String now = panelTime(); // a poll already in flight may still land once
			boolean unchanged = now.equals(lastSeen[0]);
			lastSeen[0] = now;
			return unchanged;
		});

		tabVisibility("visible");
		await().atMost(PATIENCE).until(() -> Long.parseLong(panelTime()) > Long.parseLong(lastSeen[0]));
		assertThat(browser.consoleErrors()).isEmpty();
	}

	@Test
	void fitsAPhoneAndStaysReadableInTheDarkScheme() {
		colorScheme("dark");
		browser.resize(390, 844);
		try (WsClient client = WsClient.connectGreeted(this.port, "/ws")) {
			openStandalone();
			awaitWhileSending(client, () -> reading("open-sessions") == 1 && reading("messages-out") > 0);
		}

		Object overflow = browser.script("return document.documentElement.scrollWidth - window.innerWidth;");
		assertThat(((Number) overflow).intValue()).isLessThanOrEqualTo(0);
		assertReadable();
		assertThat(browser.consoleErrors()).isEmpty();
	}

	/**
	 * WCAG 2.1 contrast in the scheme the page is in: 4.5:1 for the numbers and the small text (1.4.3), 3:1 for the
	 * chart lines against their tile (1.4.11). Colours are read as the browser computed them.
	 */
	@SuppressWarnings("unchecked")
	private void assertReadable() {
		List<Map<String, Object>> pairs = (List<Map<String, Object>>) browser.script("""
				const rgb = (color) => {
				  const canvas = new OffscreenCanvas(1, 1).getContext('2d');
				  canvas.fillStyle = color;
				  canvas.fillRect(0, 0, 1, 1);
				  return [...canvas.getImageData(0, 0, 1, 1).data.slice(0, 3)];
				};
				const luminance = (color) => {
				  const [r, g, b] = rgb(color).map((c) => c / 255).map((c) => c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
				  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
				};
				const contrast = (a, b) => {
				  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
				  return (light + 0.05) / (dark + 0.05);
				};
				const tile = getComputedStyle(document.querySelector('#dashboard .metric')).backgroundColor;
				const text = (selector) => ({ what: selector,
				  ratio: contrast(getComputedStyle(document.querySelector(selector)).color, tile), needed: 4.5 });
				const line = (selector) => ({ what: selector,
				  ratio: contrast(getComputedStyle(document.querySelector(selector)).stroke, tile), needed: 3 });
				return [text('#dashboard-open-sessions'), text('#dashboard .metric-detail'), text('#dashboard .chart-axis'),
				  text('#dashboard .metric figcaption'), line('#dashboard .line.series-open'),
				  line('#dashboard .line.series-buffered'), line('#dashboard .line.series-in'),
				  line('#dashboard .line.series-out')];
				""");
		assertThat(pairs).allSatisfy((pair) -> assertThat(((Number) pair.get("ratio")).doubleValue())
			.as("contrast of %s", pair.get("what"))
			.isGreaterThanOrEqualTo(((Number) pair.get("needed")).doubleValue()));
	}

	/** Sends a short text through the client every 20 ms (the echo comes back) until the condition holds. */
	private static void awaitWhileSending(WsClient client, Callable<Boolean> condition) {
		ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor();
		traffic.scheduleAtFixedRate(() -> client.sendText("load"), 0, 20, TimeUnit.MILLISECONDS);
		try {
			await().atMost(PATIENCE).until(condition);
		}
		finally {
			traffic.shutdownNow();
		}
	}

	private void openStandalone() {
		browser.driver().get("http://127.0.0.1:" + this.port + "/dashboard.html");
		await().atMost(PATIENCE).until(() -> "live".equals(panelState()));
	}

	/** The number shown, from its {@code data-value}; -1 while the panel shows none (before two snapshots). */
	private double reading(String name) {
		String value = this.page.find("#dashboard-" + name).getDomAttribute("data-value");
		return (value == null || value.isEmpty()) ? -1 : Double.parseDouble(value);
	}

	private String panelState() {
		return this.page.find("#dashboard").getDomAttribute("data-state");
	}

	/** The server time of the snapshot the panel shows last. */
	private String panelTime() {
		return this.page.find("#dashboard").getDomAttribute("data-time");
	}

	private void tabVisibility(String state) {
		browser.script("""
				Object.defineProperty(document, 'visibilityState', { value: arguments[0], configurable: true });
				document.dispatchEvent(new Event('visibilitychange'));
				""", state);
	}

	/** Chromium's emulated {@code prefers-color-scheme}, for the CSS and the screenshot after the test. */
	private void colorScheme(String scheme) {
		cdp("Emulation.setEmulatedMedia",
				Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
	}

	private void cdp(String command, Map<String, Object> parameters) {
		((HasCdp) browser.driver()).executeCdpCommand(command, parameters);
	}

}
