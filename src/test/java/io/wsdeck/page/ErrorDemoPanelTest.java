package io.wsdeck.page;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** onerror: a socket to a port where nothing listens gets error, then close 1006 with wasClean false. */
class ErrorDemoPanelTest extends PageInChromium {

	@Test
	void connectingWhereNothingListensShowsErrorThenClose1006NotClean() throws IOException {
		this.page.connectToNowhere(portWhereNothingListens());

		WebElement result = this.page.errorDemoResult();
		await().until(() -> "error,close".equals(result.getDomAttribute("data-sequence")));
		assertThat(result.getDomAttribute("data-code")).isEqualTo("1006");
		assertThat(result.getDomAttribute("data-was-clean")).isEqualTo("false");
		assertThat(this.page.events()).extracting((event) -> event.get("type") + " " + event.get("via"))
			.containsExactly("error onerror", "close onclose");
		assertThat(this.page.events("close").get(0)).containsEntry("code", "1006").containsEntry("wasClean", "false");
	}

	/** A loopback port that was free a moment ago: bound, then released. */
	private static int portWhereNothingListens() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
