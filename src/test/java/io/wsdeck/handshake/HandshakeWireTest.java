package io.wsdeck.handshake;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import io.wsdeck.support.RawFrame;
import io.wsdeck.support.RawHttpResponse;
import io.wsdeck.support.RawUpgradeRequest;
import io.wsdeck.support.RawWebSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The upgrade and the first frames, checked byte for byte on a raw socket: what a browser or a client library
 * would accept silently, or never send, is visible here.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class HandshakeWireTest {

	/** The key the tutorial's browser sent, and the accept its server answered: RFC 6455 4.2.2 of that key. */
	private static final String TUTORIAL_KEY = "w4v7O6xFTi36lq3RNcgctw==";

	private static final String TUTORIAL_ACCEPT = "Oy4NRAQ13jhfONC7bP8dTKb4PTU=";

	private static final String GREETING = "world";

	@LocalServerPort
	private int port;

	@Test
	void acceptsTheTutorialsHandshakeWithTheRfcAcceptAndGreetsWithAnUnmaskedWorld() throws IOException {
		RawUpgradeRequest tutorial = RawUpgradeRequest.to("/ws")
			.key(TUTORIAL_KEY)
			.header("Origin", "http://127.0.0.1:3000");
		try (RawWebSocket ws = RawWebSocket.connect(this.port, tutorial)) {
			RawHttpResponse response = ws.response();
			assertThat(response.status()).as(response::toString).isEqualTo(101);
			assertThat(response.header("Sec-WebSocket-Accept")).isEqualTo(TUTORIAL_ACCEPT);
			assertThat(response.header("Upgrade")).isEqualToIgnoringCase("websocket");
			assertThat(response.header("Connection")).isEqualToIgnoringCase("Upgrade");
			assertThat(ws.readFrame()).isEqualTo(serverFrame(RawFrame.TEXT, GREETING.getBytes(StandardCharsets.UTF_8)));
		}
	}

	@Test
	void rejectsVersion8With426AndSupportedVersionHeader() throws IOException {
		RawHttpResponse response = handshake(RawUpgradeRequest.to("/ws").header("Sec-WebSocket-Version", "8"));

		assertThat(response.status()).as(response::toString).isEqualTo(426);
		assertThat(response.header("Sec-WebSocket-Version")).isEqualTo("13");
		assertThat(response.bodyText()).contains("version 13").contains("got version 8");
	}

	@Test
	void rejectsAMissingKeyWith400SayingItIsMissing() throws IOException {
		RawHttpResponse response = handshake(RawUpgradeRequest.to("/ws").without("Sec-WebSocket-Key"));

		assertThat(response.status()).as(response::toString).isEqualTo(400);
		assertThat(response.bodyText()).contains("Missing Sec-WebSocket-Key");
	}

	/** Not base64 at all; base64 of 15 bytes; base64 of 17 bytes; of 16 bytes but without its padding. */
	@ParameterizedTest
	@ValueSource(strings = { "not a base64 key!", "AAECAwQFBgcICQoLDA0O", "AAECAwQFBgcICQoLDA0ODxA=",
			"AAECAwQFBgcICQoLDA0ODw" })
	void rejectsAKeyThatIsNotTheBase64Of16BytesWith400QuotingIt(String key) throws IOException {
		RawHttpResponse response = handshake(RawUpgradeRequest.to("/ws").key(key));

		assertThat(response.status()).as(response::toString).isEqualTo(400);
		assertThat(response.bodyText()).contains("base64 encoding of 16 random bytes").contains(key);
	}

	@Test
	void answersABrowserTabWith426SayingItIsAWebSocketEndpointAndHowToConnect() throws IOException {
		RawHttpResponse response = handshake(RawUpgradeRequest.plain("GET", "/ws")
			.addHeader("Accept", "text/html,application/xhtml+xml")
			.addHeader("User-Agent", "Mozilla/5.0"));

		assertThat(response.status()).as(response::toString).isEqualTo(426);
		assertThat(response.header("Upgrade")).as("RFC 9110 15.5.22: a 426 names the protocol to switch to")
			.isEqualToIgnoringCase("websocket");
		assertThat(response.bodyText()).contains("This is a WebSocket endpoint")
			.contains("new WebSocket('ws://127.0.0.1:" + this.port + "/ws')");
	}

	/** A mistyped path: the client learns which paths there are, the operator sees the attempt in the log. */
	@Test
	void answersAHandshakeToAPathWithoutAnEndpointWith404ListingTheEndpoints(CapturedOutput output)
			throws IOException {
		RawHttpResponse response = handshake(RawUpgradeRequest.to("/ws/nope"));

		assertThat(response.status()).as(response::toString).isEqualTo(404);
		assertThat(response.bodyText()).contains("no WebSocket endpoint at /ws/nope")
			.contains("/ws, /ws/text, /ws/binary, /ws/echo, /ws/lab");
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(output.getOut())
			.containsPattern("INFO .* Refused handshake GET /ws/nope from /127.0.0.1:\\d+: 404 There is no WebSocket"));
	}

	@Test
	void leavesAPlainRequestToAPathWithoutAnEndpointToTheUsual404() throws IOException {
		RawHttpResponse response = handshake(RawUpgradeRequest.plain("GET", "/ws/nope"));

		assertThat(response.status()).as(response::toString).isEqualTo(404);
		assertThat(response.bodyText()).doesNotContain("WebSocket endpoint");
	}

	@Test
	void rejectsAnUpgradeToAnotherProtocolWith400() throws IOException {
		RawHttpResponse response = handshake(RawUpgradeRequest.to("/ws").header("Upgrade", "h2c"));

		assertThat(response.status()).as(response::toString).isEqualTo(400);
		assertThat(response.bodyText()).contains("Upgrade must be \"websocket\"").contains("h2c");
	}

	/**
	 * A request with the rest of a WebSocket handshake but no {@code Upgrade} header is a client's mistake, not a
	 * browser tab: it gets 400 saying what is missing, where it got the tab's 426 and its how-to-connect text.
	 */
	@Test
	void rejectsAHandshakeWithoutItsUpgradeHeaderWith400() throws IOException {
		RawHttpResponse response = handshake(RawUpgradeRequest.to("/ws").without("Upgrade"));

		assertThat(response.status()).as(response::toString).isEqualTo(400);
		assertThat(response.bodyText()).contains("Upgrade must be \"websocket\"; got no Upgrade header");
	}

	@Test
	void rejectsAConnectionHeaderWithoutUpgradeWith400() throws IOException {
		RawHttpResponse response = handshake(RawUpgradeRequest.to("/ws").header("Connection", "keep-alive"));

		assertThat(response.status()).as(response::toString).isEqualTo(400);
		assertThat(response.bodyText()).contains("Connection must include \"Upgrade\"").contains("keep-alive");
	}

	/**
	 * RFC 6455 4.2.1: both headers are case-insensitive token lists. Spring's handshake handler alone would refuse
	 * these with a bare 400.
	 */
	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "Connection | UPGRADE", "Connection | keep-alive, UPGRADE",
			"Upgrade | WEBSOCKET", "Upgrade | websocket, h2c" })
	void acceptsTheUpgradeAndConnectionTokensInAnyCaseAndInAList(String header, String value) throws IOException {
		try (RawWebSocket ws = RawWebSocket.connect(this.port, RawUpgradeRequest.to("/ws/text").header(header, value))) {
			assertThat(ws.response().status()).as(ws.response()::toString).isEqualTo(101);
			assertThat(ws.readFrame()).isEqualTo(serverFrame(RawFrame.TEXT, GREETING.getBytes(StandardCharsets.UTF_8)));
		}
	}

	@Test
	void rejectsPostWith405AndAllowGet() throws IOException {
		RawHttpResponse response = handshake(RawUpgradeRequest.to("/ws").method("POST").body("hello"));

		assertThat(response.status()).as(response::toString).isEqualTo(405);
		assertThat(response.header("Allow")).isEqualTo("GET");
		assertThat(response.bodyText()).contains("GET request").contains("got POST");
	}

	/**
	 * RFC 6455 4.1 and 4.2.1 require HTTP/1.1 or higher; 11.3.1 and 11.3.5 forbid a second key or version line in
	 * a request. Upgrading these anyway means answering one of two contradictory values.
	 */
	@ParameterizedTest(name = "{0}")
	@MethodSource("handshakesRfc6455Forbids")
	void rejectsAHandshakeRfc6455ForbidsWith400AndAReason(String problem, RawUpgradeRequest request)
			throws IOException {
		RawHttpResponse response = handshake(request);

		assertThat(response.status()).as(response::toString).isEqualTo(400);
		assertThat(response.bodyText()).isNotBlank();
	}

	static Stream<Arguments> handshakesRfc6455Forbids() {
		return Stream.of(Arguments.of("HTTP/1.0", RawUpgradeRequest.to("/ws").version("HTTP/1.0")),
				Arguments.of("two Sec-WebSocket-Key lines",
						RawUpgradeRequest.to("/ws").addHeader("Sec-WebSocket-Key", RawUpgradeRequest.randomKey())),
				Arguments.of("two Sec-WebSocket-Version lines",
						RawUpgradeRequest.to("/ws").addHeader("Sec-WebSocket-Version", "8")));
	}

	@ParameterizedTest
	@ValueSource(strings = { "10", "abc", "3600001", "" })
	void rejectsATickOutsideItsBoundsWith400NamingThem(String tick) throws IOException {
		RawHttpResponse response = handshake(RawUpgradeRequest.to("/ws?tick=" + tick));

		assertThat(response.status()).as(response::toString).isEqualTo(400);
		assertThat(response.bodyText()).contains("from 50 to 3600000").contains("got \"" + tick + "\"");
	}

	/** Which one the client meant cannot be told: the first was taken, silently. */
	@Test
	void rejectsATickGivenTwiceWith400() throws IOException {
		RawHttpResponse response = handshake(RawUpgradeRequest.to("/ws?tick=1000&tick=2000"));

		assertThat(response.status()).as(response::toString).isEqualTo(400);
		assertThat(response.bodyText()).contains("tick must be given once; got 2 values: 1000, 2000");
	}

	@Test
	void rejectsATickOnTheBinaryEndpointWith400() throws IOException {
		RawHttpResponse response = handshake(RawUpgradeRequest.to("/ws/binary?tick="));

		assertThat(response.status()).as(response::toString).isEqualTo(400);
		assertThat(response.bodyText()).contains("sends no ticks");
	}

	@ParameterizedTest
	@ValueSource(strings = { "/ws", "/ws/text", "/ws/binary" })
	void upgradesEveryEndpointAndAnswersTheCloseHandshake(String path) throws IOException {
		try (RawWebSocket ws = RawWebSocket.open(this.port, path)) {
			RawFrame.Close close = ws.closeHandshake(CloseStatus.NORMAL.getCode(), "done");

			assertThat(close.code()).isEqualTo(CloseStatus.NORMAL.getCode());
			assertThat(ws.awaitEndOfStream(Duration.ofSeconds(5))).as("server closes TCP after the close handshake")
				.isTrue();
		}
	}

	@Test
	void sendsNoGreetingOnTheBinaryEndpoint() throws IOException {
		byte[] payload = { 1, 2, 3, 0, (byte) 0xFF };
		try (RawWebSocket ws = RawWebSocket.open(this.port, "/ws/binary")) {
			ws.sendBinary(payload);

			// A greeting would be sent on open, so it would arrive ahead of the echo.
			assertThat(ws.readFrame()).isEqualTo(serverFrame(RawFrame.BINARY, payload));
		}
	}

	@Test
	void echoesAMaskedTextFrameUnmasked() throws IOException {
		try (RawWebSocket ws = openPastGreeting("/ws/text")) {
			RawFrame sent = RawFrame.text("hello, wsdeck €").maskedWith(new byte[] { 0x37, (byte) 0xfa, 0x21, 0x3d });
			ws.send(sent);

			assertThat(ws.readFrame()).isEqualTo(serverFrame(RawFrame.TEXT, sent.payload()));
		}
	}

	@Test
	void closesWith1003AndAReasonWhenBinaryArrivesOnTheTextEndpoint() throws IOException {
		try (RawWebSocket ws = openPastGreeting("/ws/text")) {
			ws.sendBinary(new byte[] { 42 });

			RawFrame frame = ws.readFrame();
			assertThat(frame.opcode()).as(frame::toString).isEqualTo(RawFrame.CLOSE);
			assertThat(frame.masked()).isFalse();
			assertThat(frame.close().code()).isEqualTo(CloseStatus.NOT_ACCEPTABLE.getCode());
			assertThat(frame.close().reason()).isNotBlank();
		}
	}

	/**
	 * The server may stream the echo in its own fragments; what must survive is the message's bytes. The text
	 * is split on byte boundaries, so a character straddles two frames, as RFC 6455 5.6 allows.
	 */
	@ParameterizedTest
	@CsvSource({ "/ws, TEXT", "/ws, BINARY", "/ws/text, TEXT", "/ws/binary, BINARY" })
	void echoesAMessageSentAsFiveFragmentsWithTheSameBytes(String path, String kind) throws IOException {
		int opcode = kind.equals("TEXT") ? RawFrame.TEXT : RawFrame.BINARY;
		byte[] payload = "wsdeck fragments: ünïcödé € 😀 ".repeat(21).getBytes(StandardCharsets.UTF_8);
		List<RawFrame> fragments = RawFrame.fragments(opcode, payload, 5);
		assertThat(fragments).as("a fragment boundary falls inside a UTF-8 character")
			.anySatisfy((fragment) -> assertThat(fragment.payload()[0] & 0xC0).isEqualTo(0x80));
		try (RawWebSocket ws = path.equals("/ws/binary") ? RawWebSocket.open(this.port, path) : openPastGreeting(path)) {
			ws.send(fragments);

			RawWebSocket.Message echo = ws.readMessage();
			assertThat(echo.opcode()).as(echo::toString).isEqualTo(opcode);
			assertThat(echo.payload()).isEqualTo(payload);
		}
	}

	private RawHttpResponse handshake(RawUpgradeRequest request) throws IOException {
		try (RawWebSocket ws = RawWebSocket.connect(this.port, request)) {
			return ws.response();
		}
	}

	private RawWebSocket openPastGreeting(String path) throws IOException {
		return RawWebSocket.open(this.port, path).expectText(GREETING);
	}

	/** What a server must send: final, no reserved bits, unmasked. */
	private static RawFrame serverFrame(int opcode, byte[] payload) {
		return RawFrame.of(opcode, payload).unmasked();
	}

}
