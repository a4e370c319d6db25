package io.wsdeck.page;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

import io.wsdeck.support.Browser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.WebElement;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** onerror: a socket to a port where nothing listens gets error, then close 1006 with wasClean false. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ErrorDemoPanelTest {

	@RegisterExtension
	static final Browser browser = new Browser();

	@LocalServerPort
	int port;

	@Test
	void connectingWhereNothingListensShowsErrorThenClose1006NotClean() throws IOException {
		DeckPage page = DeckPage.open(browser, this.port);

		page.connectToNowhere(portWhereNothingListens());

		WebElement result = page.errorDemoResult();
		await().until(() -> "error,close".equals(result.getDomAttribute("data-sequence")));
		assertThat(result.getDomAttribute("data-code")).isEqualTo("1006");
		assertThat(result.getDomAttribute("data-was-clean")).isEqualTo("false");
		assertThat(page.events()).extracting((event) -> event.get("type") + " " + event.get("via"))
			.containsExactly("error onerror", "close onclose");
		assertThat(page.events("close").get(0)).containsEntry("code", "1006").containsEntry("wasClean", "false");
	}

	/** A loopback port that was free a moment ago: bound, then released. */
	private static int portWhereNothingListens() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
