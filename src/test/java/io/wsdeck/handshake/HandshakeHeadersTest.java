package io.wsdeck.handshake;

import java.io.IOException;
import java.util.Map;

import io.wsdeck.session.ManagedSession;
import io.wsdeck.session.SessionRegistry;
import io.wsdeck.support.RawUpgradeRequest;
import io.wsdeck.support.RawWebSocket;
import org.apache.tomcat.websocket.server.WsHandshakeRequest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.mock.web.MockHttpServletRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The handshake's headers are kept once per session: in Spring's session, whole, as the client sent them, and not
 * again in the copy Tomcat's upgrade makes for JSR-356 configurators.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class HandshakeHeadersTest {

	@LocalServerPort
	int port;

	@Autowired
	SessionRegistry registry;

	@Test
	void theSessionKeepsEveryHeaderAsTheClientSentIt() throws IOException {
		try (RawWebSocket ws = RawWebSocket.connect(this.port, RawUpgradeRequest.to("/ws/binary")
			.header("X-Probe", "handshake-headers")
			.header("Sec-WebSocket-Extensions", "permessage-deflate"))) {
			assertThat(ws.response().status()).isEqualTo(101);
			ManagedSession session = await().until(this::probed, found -> found != null);

			assertThat(session.getHandshakeHeaders().getFirst("Sec-WebSocket-Extensions"))
				.as("the offer as sent, not as rewritten for Tomcat")
				.isEqualTo("permessage-deflate");
		}
	}

	@Test
	void aConnectionTokenSpringWouldRefuseIsKeptAsTheClientSentIt() throws IOException {
		try (RawWebSocket ws = RawWebSocket.connect(this.port, RawUpgradeRequest.to("/ws/binary")
			.header("X-Probe", "handshake-headers")
			.header("Connection", "keep-alive, UPGRADE"))) {
			assertThat(ws.response().status()).isEqualTo(101);
			ManagedSession session = await().until(this::probed, found -> found != null);

			assertThat(session.getHandshakeHeaders().getConnection()).containsExactly("keep-alive", "UPGRADE");
			assertThat(session.getAttributes()).doesNotContainKey(TokenListsForSpring.AS_SENT);
		}
	}

	/** The open session whose handshake carried {@code X-Probe: handshake-headers}, or {@code null}. */
	private ManagedSession probed() {
		return this.registry.all()
			.stream()
			.filter(session -> "handshake-headers".equals(session.getHandshakeHeaders().getFirst("X-Probe")))
			.findFirst()
			.orElse(null);
	}

	@Test
	void tomcatsHandshakeRequestCopiesNoHeaders() {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/ws");
		request.addHeader("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
		request.addHeader("User-Agent", "a browser's forty bytes of user agent...");

		WsdeckHandshakeHandler.HeaderNamesHidden hidden = new WsdeckHandshakeHandler.HeaderNamesHidden(request);

		assertThat(new WsHandshakeRequest(request, Map.of()).getHeaders()).as("Tomcat's copy of the request")
			.hasSize(2);
		assertThat(new WsHandshakeRequest(hidden, Map.of()).getHeaders()).as("Tomcat's copy through wsdeck")
			.isEmpty();
		assertThat(hidden.getHeader("Sec-WebSocket-Key")).as("a header read by name")
			.isEqualTo("dGhlIHNhbXBsZSBub25jZQ==");
	}

}
