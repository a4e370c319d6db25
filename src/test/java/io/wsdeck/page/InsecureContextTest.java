package io.wsdeck.page;

import io.wsdeck.support.Browser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Plain http: on a name other than localhost is not a secure context, so the browser hides crypto.subtle. The page
 * must say so and still check echoes. The name is mapped to 127.0.0.1 inside Chromium, so traffic stays on loopback.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class InsecureContextTest {

	private static final String HOST = "insecure.wsdeck.test";

	@RegisterExtension
	static final Browser browser = new Browser("--host-resolver-rules=MAP " + HOST + " 127.0.0.1");

	@LocalServerPort
	int port;

	@Test
	void withoutSubtleCryptoThePageSaysSoAndComparesTheEchoByteForByte() {
		DeckPage page = DeckPage.open(browser, "http://" + HOST + ":" + this.port + "/");

		assertThat(page.securityContext().getDomAttribute("data-secure")).isEqualTo("false");
		assertThat(page.securityContext().getText()).contains("Not a secure context", "crypto.subtle is unavailable");

		page.connectAndAwaitOpen().sendBuffer(100_000);
		await().until(() -> !"pending".equals(page.lastSend().get("match")));
		assertThat(page.lastSend()).containsEntry("check", "bytes").containsEntry("match", "true");
		assertThat(browser.consoleErrors()).isEmpty();
	}

}
