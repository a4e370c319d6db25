package io.wsdeck.handshake;

import java.io.IOException;
import java.net.URI;
import java.util.List;

import io.wsdeck.support.RawUpgradeRequest;
import io.wsdeck.support.RawWebSocket;
import io.wsdeck.support.WsClient;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.socket.WebSocketExtension;
import org.springframework.web.socket.WebSocketHttpHeaders;

import static org.assertj.core.api.Assertions.assertThat;

/** Subprotocol and permessage-deflate negotiation, as the response headers state them. */
class NegotiationTest {

	@Nested
	@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
	class Defaults {

		@LocalServerPort
		int port;

		@Test
		void choosesTheFirstOfferedSubprotocolItSpeaks() throws IOException {
			try (RawWebSocket ws = RawWebSocket.connect(this.port,
					RawUpgradeRequest.to("/ws").header("Sec-WebSocket-Protocol", "chat, echo, wsdeck"))) {
				assertThat(ws.response().status()).isEqualTo(101);
				assertThat(ws.response().header("Sec-WebSocket-Protocol")).isEqualTo("echo");
			}
		}

		@Test
		void answersNoSubprotocolWhenItSpeaksNoneOfThoseOffered() throws IOException {
			try (RawWebSocket ws = RawWebSocket.connect(this.port,
					RawUpgradeRequest.to("/ws").header("Sec-WebSocket-Protocol", "chat, superchat"))) {
				assertThat(ws.response().status()).isEqualTo(101);
				assertThat(ws.response().header("Sec-WebSocket-Protocol")).isNull();
			}
		}

		@Test
		void negotiatesPermessageDeflateWhenOfferedAndNotOtherwise() throws IOException {
			try (RawWebSocket offered = RawWebSocket.connect(this.port,
					RawUpgradeRequest.to("/ws").header("Sec-WebSocket-Extensions", "permessage-deflate"))) {
				assertThat(offered.response().header("Sec-WebSocket-Extensions")).startsWith("permessage-deflate");
			}
			try (RawWebSocket plain = RawWebSocket.connect(this.port, RawUpgradeRequest.to("/ws"))) {
				assertThat(plain.response().header("Sec-WebSocket-Extensions")).isNull();
			}
		}

		@Test
		void aClientThatOffersDeflateGetsASubprotocolAndACompressedEchoRoundTrip() {
			WebSocketHttpHeaders headers = new WebSocketHttpHeaders();
			headers.setSecWebSocketExtensions(List.of(new WebSocketExtension("permessage-deflate")));
			headers.setSecWebSocketProtocol(List.of("chat", "wsdeck"));
			try (WsClient client = WsClient.connect(URI.create("ws://127.0.0.1:" + this.port + "/ws/text"), headers)) {
				assertThat(client.session().getExtensions()).extracting(WebSocketExtension::getName)
					.contains("permessage-deflate");
				assertThat(client.session().getAcceptedProtocol()).isEqualTo("wsdeck");
				assertThat(client.nextText()).isEqualTo("world");
				String text = "compress me ".repeat(10_000);
				client.sendText(text);
				assertThat(client.nextText()).isEqualTo(text);
			}
		}

	}

	@Nested
	@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "wsdeck.compression.enabled=false")
	class CompressionOff {

		@LocalServerPort
		int port;

		@Test
		void negotiatesNoExtensionEvenWhenOffered() throws IOException {
			try (RawWebSocket ws = RawWebSocket.connect(this.port,
					RawUpgradeRequest.to("/ws").header("Sec-WebSocket-Extensions", "permessage-deflate"))) {
				assertThat(ws.response().status()).isEqualTo(101);
				assertThat(ws.response().header("Sec-WebSocket-Extensions")).isNull();
				assertThat(ws.readMessage().compressed()).isFalse();
			}
		}

	}

}
