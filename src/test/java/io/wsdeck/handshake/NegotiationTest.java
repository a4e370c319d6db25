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

		/**
		 * RFC 7936 (2): subprotocol tokens match case-sensitively. Spring lower-cases both sides, so an offer of
		 * {@code ECHO} was answered {@code ECHO} by a server that speaks {@code echo}.
		 */
		@Test
		void comparesSubprotocolsAsWritten() throws IOException {
			try (RawWebSocket ws = RawWebSocket.connect(this.port,
					RawUpgradeRequest.to("/ws").header("Sec-WebSocket-Protocol", "ECHO, Wsdeck, echo"))) {
				assertThat(ws.response().status()).isEqualTo(101);
				assertThat(ws.response().header("Sec-WebSocket-Protocol")).isEqualTo("echo");
			}
			try (RawWebSocket ws = RawWebSocket.connect(this.port,
					RawUpgradeRequest.to("/ws").header("Sec-WebSocket-Protocol", "ECHO"))) {
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

		/** RFC 7692 7.1.1.1 and 7.1.1.2: a server may answer both to any offer; then no session keeps zlib state. */
		@Test
		void answersNoContextTakeoverBothWaysToEveryDeflateOffer() throws IOException {
			try (RawWebSocket ws = RawWebSocket.connect(this.port, RawUpgradeRequest.to("/ws")
				.header("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits"))) {
				assertThat(ws.response().status()).isEqualTo(101);
				assertThat(ws.response().header("Sec-WebSocket-Extensions")).startsWith("permessage-deflate")
					.contains("server_no_context_takeover", "client_no_context_takeover");
			}
			try (RawWebSocket ws = RawWebSocket.connect(this.port, RawUpgradeRequest.to("/ws")
				.header("Sec-WebSocket-Extensions", "x-unknown, permessage-deflate; server_no_context_takeover"))) {
				assertThat(ws.response().status()).isEqualTo(101);
				assertThat(ws.response().header("Sec-WebSocket-Extensions"))
					.isEqualTo("permessage-deflate;server_no_context_takeover;client_no_context_takeover");
			}
		}

		/**
		 * RFC 7692 section 5: an offer with a parameter the extension does not define, a value out of range or a
		 * parameter given twice is declined, not the handshake; the next acceptable offer, if any, is taken.
		 */
		@Test
		void declinesADeflateOfferItCannotAcceptAndTakesTheNextOne() throws IOException {
			for (String offer : List.of("permessage-deflate; bogus_param", "permessage-deflate; client_max_window_bits=7",
					"permessage-deflate; client_max_window_bits=abc",
					"permessage-deflate; server_no_context_takeover; server_no_context_takeover",
					"permessage-deflate; server_no_context_takeover=1", // 7.1.1.1: takes no value
					"permessage-deflate; client_no_context_takeover=yes")) {
				try (RawWebSocket ws = RawWebSocket.connect(this.port,
						RawUpgradeRequest.to("/ws").header("Sec-WebSocket-Extensions", offer))) {
					assertThat(ws.response().status()).as(offer).isEqualTo(101);
					assertThat(ws.response().header("Sec-WebSocket-Extensions")).as(offer).isNull();
					assertThat(ws.readMessage().compressed()).isFalse();
				}
			}
			try (RawWebSocket ws = RawWebSocket.connect(this.port, RawUpgradeRequest.to("/ws")
				.header("Sec-WebSocket-Extensions", "permessage-deflate; bogus_param, permessage-deflate"))) {
				assertThat(ws.response().status()).isEqualTo(101);
				assertThat(ws.response().header("Sec-WebSocket-Extensions")).startsWith("permessage-deflate");
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
	@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = "wsdeck.compression.context-takeover=true")
	class ContextTakeover {

		@LocalServerPort
		int port;

		@Test
		void answersOnlyWhatTheClientOffered() throws IOException {
			try (RawWebSocket ws = RawWebSocket.connect(this.port, RawUpgradeRequest.to("/ws")
				.header("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits"))) {
				assertThat(ws.response().header("Sec-WebSocket-Extensions"))
					.isEqualTo("permessage-deflate;client_max_window_bits=15");
			}
			try (RawWebSocket ws = RawWebSocket.connect(this.port, RawUpgradeRequest.to("/ws")
				.header("Sec-WebSocket-Extensions", "permessage-deflate; client_no_context_takeover"))) {
				assertThat(ws.response().header("Sec-WebSocket-Extensions"))
					.isEqualTo("permessage-deflate;client_no_context_takeover");
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
