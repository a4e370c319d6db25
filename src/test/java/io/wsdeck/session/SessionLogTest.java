package io.wsdeck.session;

import java.io.IOException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.wsdeck.support.RawUpgradeRequest;
import io.wsdeck.support.RawWebSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the session lines say: the open line's negotiation as the handshake answered it, the close line's traffic
 * as the metrics count it, and, with {@code logging.level.io.wsdeck=DEBUG} (set here), one line per message each
 * way: kind and size, never content.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "logging.level.io.wsdeck=DEBUG", "wsdeck.limits.max-message-size=1KB" })
@ExtendWith(OutputCaptureExtension.class)
class SessionLogTest {

	private static final String SECRET = "s3cret-content";

	@LocalServerPort
	int port;

	@Test
	void everyMessageEachWayIsLoggedWithItsKindAndSizeButNotItsContent(CapturedOutput output) throws IOException {
		try (RawWebSocket ws = RawWebSocket.open(this.port, "/ws/text").expectText("world")) {
			ws.sendText(SECRET);
			assertThat(ws.readText()).isEqualTo(SECRET);
		}
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(output.getOut())
			.containsPattern("Session \\S+ sent a text message of 5 bytes")
			.containsPattern("Session \\S+ received a text message of 14 bytes in 1 part\\(s\\)")
			.containsPattern("Session \\S+ sent a text message of 14 bytes"));
		assertThat(output.getOut()).doesNotContain(SECRET);
	}

	/** wsdeck.bytes counts the bytes of a message cut short by the limit; so does the close line. */
	@Test
	void theCloseLineCountsTheBytesOfAMessageOverTheLimitButNotTheMessage(CapturedOutput output) throws IOException {
		try (RawWebSocket ws = RawWebSocket.open(this.port, "/ws/binary")) {
			ws.sendBinary(new byte[1024]);
			assertThat(ws.readMessage().payload()).hasSize(1024);
			ws.sendBinary(new byte[1025]);
			assertThat(ws.readClose().code()).isEqualTo(1009);
		}
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(output.getOut())
			.containsPattern("Closed session \\S+ on binary: 1009 \"[^\"]+\" by server after \\d+ ms; in 1 msgs/2049 B, out 1 msgs/1024 B"));
	}

	/**
	 * An error close is one WARN line, the close line: the decision before it is INFO. Both were WARN, so every error
	 * close warned twice.
	 */
	@Test
	void anErrorCloseWarnsOnce(CapturedOutput output) throws IOException {
		try (RawWebSocket ws = RawWebSocket.open(this.port, "/ws/text").expectText("world")) {
			ws.sendBinary(new byte[] { 1 });
			assertThat(ws.readClose().code()).isEqualTo(1003);
			ws.sendClose(1003, "");
		}
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(output.getOut()).containsPattern("WARN .* Closed session \\S+ on text: 1003 "));
		Matcher closed = Pattern.compile("Closed session (\\S+) on text: 1003").matcher(output.getOut());
		assertThat(closed.find()).isTrue();
		assertThat(output.getOut().lines().filter((line) -> line.contains(closed.group(1))))
			.filteredOn((line) -> line.contains(" WARN "))
			.hasSize(1);
		assertThat(output.getOut()).containsPattern("INFO .* Closing session " + closed.group(1) + " \\(text ");
	}

	/**
	 * A client that drops the connection instead of answering the server's close: the close line says how the
	 * session ended, and the failure that follows is a DEBUG line, not a second INFO failure of a closed session.
	 * The client may hang up before the server's thread that sent the close has written its line: the line must not
	 * then claim that the close frame could not be sent, which the client has just read.
	 */
	@Test
	void aConnectionDroppedAfterTheCloseIsADebugLine(CapturedOutput output) throws IOException {
		try (RawWebSocket ws = RawWebSocket.open(this.port, "/ws/text").expectText("world")) {
			ws.sendBinary(new byte[] { 1 });
			assertThat(ws.readClose().code()).isEqualTo(1003);
		} // no close frame in answer
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(output.getOut())
			.containsPattern("Closed session \\S+ on text: 1003 \"Binary messages not supported\" by server after")
			.containsPattern("DEBUG .* Session \\S+ dropped its connection after the close: java.io.EOFException"));
		Matcher closed = Pattern.compile("Closed session (\\S+) on text: 1003").matcher(output.getOut());
		assertThat(closed.find()).isTrue();
		assertThat(output.getOut()).doesNotContain("Connection of session " + closed.group(1));
	}

	/**
	 * A client that leaves without a close frame: its close line names the failure, and is the session's only line
	 * besides the open line (there was an INFO "Connection of session … failed" line before it, two lines for each
	 * client that vanished).
	 */
	@Test
	void aClientThatLeavesWithoutACloseFrameHasOneCloseLineNamingTheFailure(CapturedOutput output) throws IOException {
		try (RawWebSocket ws = RawWebSocket.open(this.port, "/ws/text").expectText("world")) {
			assertThat(ws.response().isUpgrade()).isTrue(); // and leaves: the socket is closed with no close frame
		}
		Pattern closed = Pattern.compile("WARN .* Closed session (\\S+) on text: 1006 \"\" by client after \\d+ ms "
				+ "\\(connection failed: java.io.EOFException\\); in 0 msgs/0 B");
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(output.getOut()).containsPattern(closed));
		Matcher line = closed.matcher(output.getOut());
		assertThat(line.find()).isTrue();
		assertThat(output.getOut().lines().filter((each) -> each.contains(line.group(1))))
			.filteredOn((each) -> !each.contains(" DEBUG "))
			.hasSize(2);
	}

	@Test
	void theOpenLineGivesTheExtensionAsTheHandshakeAnsweredIt(CapturedOutput output) throws IOException {
		try (RawWebSocket ws = RawWebSocket.connect(this.port,
				RawUpgradeRequest.to("/ws/binary").header("Sec-WebSocket-Extensions", "permessage-deflate"))) {
			String answered = ws.response().header("Sec-WebSocket-Extensions");
			assertThat(answered).isEqualTo("permessage-deflate;server_no_context_takeover;client_no_context_takeover");

			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(output.getOut()).contains("extensions " + answered));
		}
		assertThat(output.getOut()).doesNotContain("=null");
	}

}
