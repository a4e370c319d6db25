package io.wsdeck.page;

import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With {@code wsdeck.endpoints.*} moved and the limits changed, the page offers and connects to the paths where this
 * server has them, and checks what this server checks.
 */
@TestPropertySource(properties = { "wsdeck.endpoints.mixed=/custom", "wsdeck.endpoints.lab=/elsewhere/lab",
		"wsdeck.push.min-tick=200ms", "wsdeck.limits.max-message-size=2MB" })
class ReconfiguredServerTest extends PageInChromium {

	@Test
	void thePickerTheAddressAndTheLabFollowTheConfiguredPaths() {
		assertThat(this.page.address()).isEqualTo("ws://127.0.0.1:" + this.port + "/custom");
		this.page.connectAndAwaitOpen();
		await().until(() -> !this.page.events("message").isEmpty());
		assertThat(this.page.events("message").get(0).get("details")).contains("world");

		this.page.lab("fail");

		await().until(() -> this.page.events("close").stream().anyMatch((close) -> "1011".equals(close.get("code"))));
		assertThat(this.page.find("input[name='endpoint'][value='/elsewhere/lab']").isSelected()).isTrue();
		assertThat(this.page.events("close")).filteredOn((close) -> "1011".equals(close.get("code")))
			.singleElement()
			.satisfies((close) -> assertThat(close).containsEntry("reason", "internal error: LabFailure"));
	}

	@Test
	void theTickBoxAndTheSizeHintFollowTheConfiguredLimits() {
		assertThat(this.page.find("#tick-ms").getAttribute("min")).isEqualTo("200");
		assertThat(this.page.find("#send-buffer-hint").getText()).startsWith("2,097,152 B is this server's message limit");
		assertThat(this.page.find("#send-buffer-size").getDomProperty("value")).as("the default size within the limit")
			.isEqualTo("2097152");
	}

}
