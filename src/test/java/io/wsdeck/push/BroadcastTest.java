package io.wsdeck.push;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import io.wsdeck.support.WsClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;
import org.springframework.web.socket.WebSocketExtension;
import org.springframework.web.socket.WebSocketHttpHeaders;

import static org.assertj.core.api.Assertions.assertThat;

/** Broadcast over real HTTP from loopback to real WebSocket clients. */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class BroadcastTest {

	@LocalServerPort
	int port;

	@Test
	void broadcastReachesEveryTextSessionAndSaysHowMany() {
		List<WsClient> clients = new ArrayList<>();
		try (WsClient binaryOnly = WsClient.connect(this.port, "/ws/binary")) {
			for (int i = 0; i < 4; i++) {
				clients.add(WsClient.connectGreeted(this.port, i % 2 == 0 ? "/ws" : "/ws/text"));
			}
			ResponseEntity<String> response = post("news for everyone");

			assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
			assertThat(response.getBody()).isEqualTo("{\"reached\":4}");
			for (WsClient client : clients) {
				assertThat(client.nextText()).isEqualTo("news for everyone");
			}
			binaryOnly.sendBinary(new byte[] { 7 });
			assertThat(binaryOnly.nextBinary()).as("the binary client got no text push before its echo")
				.containsExactly(7);
		}
		finally {
			clients.forEach(WsClient::close);
		}
	}

	/**
	 * Compressed sessions, as browsers' are, get a broadcast whole: the server compresses a message many sessions
	 * send once and sends the others the same bytes, between broadcasts of other messages. The long ones reach the
	 * compressor in several parts, and the last begins like the one before it.
	 */
	@Test
	void compressedSessionsGetEveryBroadcastWhole() {
		String longNews = "{\"items\":[" + "{\"id\":12345,\"title\":\"compressible\"},".repeat(1500) + "{}]}";
		broadcastToCompressedSessions(6, List.of("news for everyone", "more news for everyone", "news for everyone",
				"{\"text\":\"" + "compressible ".repeat(200) + "\"}", longNews,
				longNews.substring(0, 30_000) + "\"different from here on\"" + longNews.substring(30_000)));
	}

	/**
	 * Many compressed sessions and long broadcasts posted back to back, some beginning alike: the push senders
	 * record, replay and catch up on one another's broadcasts at the same time, and every client still gets every
	 * broadcast whole, in order.
	 */
	@Test
	void manyCompressedSessionsGetLongBroadcastsPostedBackToBackWhole() {
		String base = "{\"items\":[" + "{\"id\":12345,\"title\":\"compressible\"},".repeat(1000);
		broadcastToCompressedSessions(30, List.of(base + "1]}", base + "2]}", base.substring(0, 20_000) + "3]}",
				base + "1]}", base + base + "4]}", base.substring(0, 9_000) + "5]}"));
	}

	/**
	 * Opens {@code sessions} sessions that negotiate permessage-deflate, posts every item of {@code news} as a
	 * broadcast, and checks that each session gets each whole, in order.
	 */
	private void broadcastToCompressedSessions(int sessions, List<String> news) {
		WebSocketHttpHeaders deflate = new WebSocketHttpHeaders();
		deflate.setSecWebSocketExtensions(List.of(new WebSocketExtension("permessage-deflate")));
		List<WsClient> clients = new ArrayList<>();
		try {
			for (int i = 0; i < sessions; i++) {
				WsClient client = WsClient.connect(URI.create("ws://127.0.0.1:" + this.port + "/ws/text"), deflate);
				assertThat(client.session().getExtensions()).extracting(WebSocketExtension::getName)
					.containsExactly("permessage-deflate");
				assertThat(client.nextText()).isEqualTo("world");
				clients.add(client);
			}
			for (String item : news) {
				assertThat(post(item).getBody()).isEqualTo("{\"reached\":" + sessions + "}");
			}
			for (WsClient client : clients) {
				for (String item : news) {
					assertThat(client.nextText()).isEqualTo(item);
				}
			}
		}
		finally {
			clients.forEach(WsClient::close);
		}
	}

	@Test
	void emptyBodyIsRefusedWith400() {
		ResponseEntity<String> response = post("");
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(response.getBody()).contains("empty");
	}

	private ResponseEntity<String> post(String body) {
		return RestClient.create("http://127.0.0.1:" + this.port)
			.post()
			.uri("/api/broadcast")
			.contentType(MediaType.TEXT_PLAIN)
			.body(body)
			.retrieve()
			.onStatus(status -> true, (request, response) -> {
			})
			.toEntity(String.class);
	}

}
