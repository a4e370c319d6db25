package io.wsdeck.protocol;

import java.io.IOException;
import java.time.Duration;

import io.wsdeck.support.RawDeflate;
import io.wsdeck.support.RawFrame;
import io.wsdeck.support.RawUpgradeRequest;
import io.wsdeck.support.RawWebSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every failed connection gets a log line that says what happened, including failures found inside Tomcat's frame
 * parser, which end the session the way a peer's close does: the line must blame the server's decision, not the
 * client's close.
 */
@ExtendWith(OutputCaptureExtension.class)
class FailureLogTest extends WireTest {

	private static final Duration LOGGED = Duration.ofSeconds(10);

	@Test
	void aProtocolErrorFoundByTheFrameParserIsLoggedAsTheServersClose(CapturedOutput output) throws IOException {
		try (RawWebSocket ws = openGreeted("/ws")) {
			ws.send(RawFrame.of(RawFrame.TEXT, new byte[] { 'a' }).withRsv1(true));

			assertFailedWith(ws, CloseStatus.PROTOCOL_ERROR);
		}
		await().atMost(LOGGED).untilAsserted(() -> assertThat(output.getOut())
			.containsPattern("Closed session \\S+ on mixed: 1002 \"[^\"]+\" by server after"));
	}

	/** Compressed data that does not inflate: Tomcat sends 1002, and its failure used to be logged as 1006. */
	@Test
	void aCompressedFrameThatDoesNotInflateIsLoggedAsTheServers1002(CapturedOutput output) throws IOException {
		try (RawWebSocket ws = RawWebSocket.connect(this.port,
				RawUpgradeRequest.to("/ws/binary").header("Sec-WebSocket-Extensions", RawDeflate.EXTENSION))
			.expectUpgraded()) {
			ws.send(RawFrame.of(RawFrame.BINARY, new byte[] { -1, -1, -1, -1, -1, 0, 18 }).withRsv1(true));

			assertThat(ws.readClose().code()).isEqualTo(CloseStatus.PROTOCOL_ERROR.getCode());
		}
		await().atMost(LOGGED).untilAsserted(() -> assertThat(output.getOut())
			.containsPattern("Closed session \\S+ on binary: 1002 \"[^\"]*decompress[^\"]*\" by server after"));
	}

	@Test
	void aCloseReasonOfInvalidUtf8IsLoggedAsTheServersClose(CapturedOutput output) throws IOException {
		try (RawWebSocket ws = openGreeted("/ws")) {
			ws.send(RawFrame.of(RawFrame.CLOSE, RawFrame.closePayload(1000, new byte[] { (byte) 0xC0 })));

			assertThat(ws.readClose().code()).isEqualTo(CloseStatus.BAD_DATA.getCode());
		}
		await().atMost(LOGGED).untilAsserted(() -> assertThat(output.getOut())
			.containsPattern("Closed session \\S+ on mixed: 1007 \"[^\"]*invalid UTF-8[^\"]*\" by server after"));
	}

	/** RFC 6455 7.1.5: a close frame without a body received is 1005, as the client's own close event says. */
	@Test
	void aClientsCloseWithoutACodeIsLoggedAs1005(CapturedOutput output) throws IOException {
		try (RawWebSocket ws = openGreeted("/ws/text")) {
			ws.send(RawFrame.of(RawFrame.CLOSE, new byte[0]));

			assertThat(ws.readClose().code()).as("1005 is never sent").isEqualTo(CloseStatus.NORMAL.getCode());
		}
		await().atMost(LOGGED).untilAsserted(() -> assertThat(output.getOut())
			.containsPattern("Closed session \\S+ on text: 1005 \"\" by client after"));
	}

	@Test
	void aClientsOwnCloseIsLoggedAsTheClients(CapturedOutput output) throws IOException {
		try (RawWebSocket ws = openGreeted("/ws")) {
			ws.closeHandshake(4001, "done here");
		}
		await().atMost(LOGGED).untilAsserted(() -> assertThat(output.getOut())
			.containsPattern("Closed session \\S+ on mixed: 4001 \"done here\" by client after"));
	}

	/** A client's restart is planned, its internal error is not: the restart is INFO, the error the WARN. */
	@Test
	void aClientsRestartIsInfoAndItsErrorAWarning(CapturedOutput output) throws IOException {
		try (RawWebSocket restarting = openGreeted("/ws/text"); RawWebSocket failing = openGreeted("/ws")) {
			restarting.closeHandshake(CloseStatus.SERVICE_RESTARTED.getCode(), "restarting");
			failing.closeHandshake(CloseStatus.SERVER_ERROR.getCode(), "crashed");
		}
		await().atMost(LOGGED).untilAsserted(() -> assertThat(output.getOut())
			.containsPattern("INFO .* Closed session \\S+ on text: 1012 \"restarting\" by client after")
			.containsPattern("WARN .* Closed session \\S+ on mixed: 1011 \"crashed\" by client after"));
	}

}
