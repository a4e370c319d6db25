package io.wsdeck.session;

import io.wsdeck.support.WsClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "wsdeck.limits.max-messages-per-second=20")
class RateLimitTest {

	@LocalServerPort
	int port;

	@Test
	void aSessionSendingFasterThanTheLimitIsClosedWith1008AndOthersAreServed() {
		try (WsClient flooder = WsClient.connectGreeted(this.port, "/ws");
				WsClient calm = WsClient.connectGreeted(this.port, "/ws")) {
			for (int i = 0; i < 100 && flooder.isOpen(); i++) {
				try {
					flooder.sendText("message " + i);
				}
				catch (IllegalStateException ex) {
					break; // the server closed the session between isOpen() and this send: what the test provokes
				}
			}
			CloseStatus status = flooder.awaitClose();
			assertThat(status.getCode()).isEqualTo(CloseStatus.POLICY_VIOLATION.getCode());
			assertThat(status.getReason()).isEqualTo("rate limit: more than 20 messages a second (wsdeck.limits.max-messages-per-second)");

			calm.sendText("fine");
			assertThat(calm.nextText()).isEqualTo("fine");
		}
	}

}
