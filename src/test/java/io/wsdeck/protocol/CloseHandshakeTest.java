package io.wsdeck.protocol;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import io.wsdeck.support.RawFrame;
import io.wsdeck.support.RawWebSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/**
 * RFC 6455 5.5.1, 7.1 and 7.4: the close handshake. The server answers a client's close with a close of its own,
 * then closes TCP first (7.1.1); a close it cannot accept fails the connection with 1002.
 */
class CloseHandshakeTest extends WireTest {

	/**
	 * 5.5.1: "When sending a Close frame in response, the endpoint typically echos the status code it received."
	 * Every code a client may send: the defined ones (7.4.1), those IANA registered since (1012 service restart, 1013
	 * try again later, 1014 bad gateway; Tomcat alone turns 1012 and 1013 into 1002) and the ranges for libraries and
	 * applications (7.4.2).
	 */
	@ParameterizedTest(name = "{0}")
	@ValueSource(ints = { 1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000,
			4999 })
	void answersAClientsCloseWithTheSameCodeAndThenClosesTcp(int code) throws IOException {
		try (RawWebSocket ws = openGreeted("/ws")) {
			RawFrame.Close answer = ws.closeHandshake(code, "client leaving");

			assertThat(answer.code()).isEqualTo(code);
			assertThat(ws.awaitEndOfStream(TCP_CLOSE)).as("server closed TCP after the handshake").isTrue();
		}
	}

	/**
	 * 7.4.1 and 7.4.2: 1004, 1005, 1006 and 1015 must never be sent, 0-999 are not used, 1016-2999 are reserved
	 * for this protocol, and codes stop at 4999. Such a close is a protocol error, whatever its reason says.
	 */
	@ParameterizedTest(name = "{0}")
	@ValueSource(ints = { 0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535 })
	void answersAnInvalidCloseCodeWith1002(int code) throws IOException {
		try (RawWebSocket bystander = bystander(); RawWebSocket ws = openGreeted("/ws")) {
			ws.sendClose(code, "");

			RawFrame.Close answer = ws.readClose();
			assertThat(answer.code()).as("answer to close %d (reason \"%s\")", code, answer.reason())
				.isEqualTo(CloseStatus.PROTOCOL_ERROR.getCode());
			assertThat(ws.awaitEndOfStream(TCP_CLOSE)).as("server closed TCP").isTrue();
			assertStillServed(bystander);
		}
	}

	/**
	 * Issue 5 asks that every error close say why. Tomcat alone answers an invalid close code with 1002 but echoes
	 * the client's own reason; wsdeck's copy of its frame parser (see TomcatFramePatchTest) names the code instead.
	 */
	@ParameterizedTest(name = "{0}")
	@ValueSource(ints = { 0, 999, 1005, 5000, 65535 })
	void rejectsAnInvalidCloseCodeWithAReasonNamingIt(int code) throws IOException {
		try (RawWebSocket ws = openGreeted("/ws")) {
			ws.sendClose(code, "bye");

			assertThat(ws.readClose())
				.isEqualTo(new RawFrame.Close(CloseStatus.PROTOCOL_ERROR.getCode(), "invalid close code " + code
						+ ": RFC 6455 7.4 does not allow it in a close frame"));
		}
	}

	/**
	 * 5.5.1: a close frame's body is optional, and the answer then carries no status of its own to echo: an empty
	 * close (1005 is what the receiver reports, 7.1.5) or 1000 both say "normal".
	 */
	@Test
	void answersAnEmptyCloseWithACloseAndThenClosesTcp() throws IOException {
		try (RawWebSocket ws = openGreeted("/ws")) {
			ws.send(RawFrame.of(RawFrame.CLOSE, new byte[0]));

			RawFrame.Close answer = ws.readClose();
			assertThat(answer.code()).isIn(RawFrame.Close.NO_STATUS_RECEIVED, CloseStatus.NORMAL.getCode());
			assertThat(ws.awaitEndOfStream(TCP_CLOSE)).as("server closed TCP after the handshake").isTrue();
		}
	}

	/** 5.5.1: a close body, if any, starts with a 2-byte code; one byte is neither. */
	@Test
	void closesAOneByteClosePayloadWith1002() throws IOException {
		try (RawWebSocket bystander = bystander(); RawWebSocket ws = openGreeted("/ws")) {
			ws.send(RawFrame.of(RawFrame.CLOSE, new byte[] { 0x03 }));

			assertFailedWith(ws, CloseStatus.PROTOCOL_ERROR);
			assertStillServed(bystander);
		}
	}

	/**
	 * 7.1.1 and 5.5.1, the other direction: when the server closes first (here 1003 for binary on the text
	 * endpoint), the client's answering close completes the handshake and the server closes TCP.
	 */
	@Test
	void closesTcpWhenTheClientAnswersTheServersClose() throws IOException {
		try (RawWebSocket ws = openGreeted("/ws/text")) {
			ws.sendBinary(new byte[] { 1 });
			RawFrame.Close close = ws.readClose();
			assertThat(close.code()).isEqualTo(CloseStatus.NOT_ACCEPTABLE.getCode());

			ws.sendClose(close.code(), "");

			assertThat(ws.awaitEndOfStream(TCP_CLOSE)).as("server closed TCP after the client's answer").isTrue();
		}
	}

	/** 5.5.1: a close frame's body may be a code alone, or a code and a reason of up to 123 bytes. */
	@ParameterizedTest(name = "reason of {0} bytes")
	@ValueSource(ints = { 0, 123 })
	void answersACloseWithAnyReasonLengthItAllows(int reasonBytes) throws IOException {
		try (RawWebSocket ws = openGreeted("/ws")) {
			RawFrame.Close answer = ws.closeHandshake(CloseStatus.NORMAL.getCode(), "r".repeat(reasonBytes));

			assertThat(answer.code()).isEqualTo(CloseStatus.NORMAL.getCode());
			assertThat(ws.awaitEndOfStream(TCP_CLOSE)).isTrue();
		}
	}

	static Stream<Arguments> framesAfterTheClose() {
		return Stream.of(argumentSet("a text message", RawFrame.text("too late")),
				argumentSet("a ping", RawFrame.ping("too late".getBytes(StandardCharsets.US_ASCII))),
				argumentSet("a second close", RawFrame.close(3000, "again")));
	}

	/**
	 * 5.5.1: after its close a peer sends nothing more, and the server does not act on what comes anyway: the
	 * only answer is its one close (no echo, no pong, no second close), then TCP is closed.
	 */
	@ParameterizedTest
	@MethodSource("framesAfterTheClose")
	void answersNothingSentAfterTheClientsClose(RawFrame late) throws IOException {
		try (RawWebSocket ws = openGreeted("/ws")) {
			ws.send(RawFrame.close(1000, ""), late);

			assertThat(ws.readFrame().opcode()).as("first frame after the close").isEqualTo(RawFrame.CLOSE);
			assertThat(ws.readUntilEndOfStream(TCP_CLOSE)).as("frames after the server's close").isEmpty();
		}
	}

}
