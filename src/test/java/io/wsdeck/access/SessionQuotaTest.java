package io.wsdeck.access;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import io.wsdeck.session.SessionRegistry;
import io.wsdeck.support.RawHttpResponse;
import io.wsdeck.support.RawUpgradeRequest;
import io.wsdeck.support.RawWebSocket;
import io.wsdeck.support.WsClient;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Session limits answer at the handshake, with a status a client can back off from, and free up on close. */
class SessionQuotaTest {

	static RawHttpResponse handshake(int port) throws IOException {
		try (RawWebSocket ws = RawWebSocket.connect(port, RawUpgradeRequest.to("/ws/binary"))) {
			return ws.response();
		}
	}

	@Nested
	@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { "wsdeck.access.max-sessions=2", "wsdeck.access.max-sessions-per-address=100" })
	class InAll {

		@LocalServerPort
		int port;

		@Autowired
		SessionRegistry registry;

		@Test
		void oneSessionOverTheLimitGets503WithRetryAfterAndASlotFreesOnClose() throws IOException {
			List<WsClient> clients = new ArrayList<>();
			try {
				clients.add(WsClient.connect(this.port, "/ws/binary"));
				clients.add(WsClient.connect(this.port, "/ws/binary"));

				RawHttpResponse refused = handshake(this.port);
				assertThat(refused.status()).isEqualTo(503);
				assertThat(refused.header("Retry-After")).isEqualTo("5");
				assertThat(refused.bodyText()).contains("wsdeck.access.max-sessions");

				clients.remove(0).close();
				await().atMost(WsClient.TIMEOUT).until(() -> this.registry.size() == 1);
				try (WsClient again = WsClient.connect(this.port, "/ws/binary")) {
					again.sendBinary(new byte[] { 1 });
					assertThat(again.nextBinary()).containsExactly(1);
				}
			}
			finally {
				clients.forEach(WsClient::close);
			}
		}

		@Test
		void refusedHandshakesTakeNoSlot() throws IOException {
			for (int i = 0; i < 5; i++) {
				try (RawWebSocket refused = RawWebSocket.connect(this.port,
						RawUpgradeRequest.to("/ws").header("Sec-WebSocket-Version", "8"))) {
					assertThat(refused.response().status()).isEqualTo(426);
				}
			}
			try (WsClient first = WsClient.connect(this.port, "/ws/binary");
					WsClient second = WsClient.connect(this.port, "/ws/binary")) {
				assertThat(first.isOpen()).isTrue();
				assertThat(second.isOpen()).isTrue();
			}
		}

	}

	@Nested
	@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { "wsdeck.access.max-sessions=100", "wsdeck.access.max-sessions-per-address=2" })
	class PerAddress {

		@LocalServerPort
		int port;

		@Test
		void oneSessionOverTheAddressLimitGets429WithRetryAfter() throws IOException {
			try (WsClient first = WsClient.connect(this.port, "/ws/binary");
					WsClient second = WsClient.connect(this.port, "/ws/binary")) {
				RawHttpResponse refused = handshake(this.port);
				assertThat(refused.status()).isEqualTo(429);
				assertThat(refused.header("Retry-After")).isEqualTo("5");
				assertThat(refused.bodyText()).contains("wsdeck.access.max-sessions-per-address");
				assertThat(first.isOpen()).isTrue();
			}
		}

	}

}
