package io.wsdeck.page;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The page itself: no console errors, readable on a phone, and the metrics dashboard among its panels. */
class PageAsAWholeTest extends PageInChromium {

	@Test
	void everyPanelWorksWithoutAConsoleError() {
		this.page.useEveryPanel();

		assertThat(browser.consoleErrors()).isEmpty();
	}

	@Test
	void fitsAPhoneScreenWithoutSidewaysScrolling() {
		browser.resize(390, 844);
		this.page.connectAndAwaitOpen().sendBuffer(1000);
		await().until(() -> this.page.lastSend().containsKey("echoBytes"));

		Object overflow = browser.script("return document.documentElement.scrollWidth - window.innerWidth;");
		assertThat(((Number) overflow).intValue()).isLessThanOrEqualTo(0);
	}

	@Test
	void fillsTheDashboardSectionWithTheLiveMetricsPanel() {
		await().until(() -> "live".equals(this.page.find("section#dashboard").getDomAttribute("data-state")));

		assertThat(this.page.find("section#dashboard").findElements(By.cssSelector(".metric svg"))).hasSize(4);
		assertThat(this.page.find("#dashboard-open-sessions").getDomAttribute("data-value")).isNotEmpty();
	}

}
