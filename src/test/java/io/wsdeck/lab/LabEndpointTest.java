package io.wsdeck.lab;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.wsdeck.support.Payloads;
import io.wsdeck.support.RawFrame;
import io.wsdeck.support.RawHttpResponse;
import io.wsdeck.support.RawUpgradeRequest;
import io.wsdeck.support.RawWebSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The lab as an endpoint: what is a command, what is echoed, what it refuses, and what it never sends unasked. */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class LabEndpointTest {

	private static final String LAB = "/ws/lab";

	@LocalServerPort
	int port;

	@Test
	void unknownAndMalformedCommandsAreAnsweredWithAnErrorAndTheSessionStaysUsable() throws IOException {
		try (RawWebSocket lab = RawWebSocket.open(this.port, LAB)) {
			assertThat(answer(lab, "foo")).isEqualTo("error: unknown command \"foo\"; try \"help\"");
			assertThat(answer(lab, "hello world")).isEqualTo("error: unknown command \"hello\"; try \"help\"");
			assertThat(answer(lab, "")).startsWith("error: empty message");
			assertThat(answer(lab, "send")).isEqualTo("error: send N [K]: takes 1 to 2 arguments; got 0");
			assertThat(answer(lab, "send ten")).isEqualTo(
					"error: send N [K]: N must be a whole number from 0 to 16777216; got \"ten\"");
			assertThat(answer(lab, "send-binary 10 0")).contains("K must be a whole number from 1 to 10000");
			assertThat(answer(lab, "delay 60001")).contains("MS must be a whole number from 0 to 60000");
			assertThat(answer(lab, "delay -5")).contains("got \"-5\"");
			assertThat(answer(lab, "flood 100001 1")).contains("N must be a whole number from 1 to 100000");
			assertThat(answer(lab, "flood 100000 3000")).contains("N x S is at most 268435456 bytes");
			assertThat(answer(lab, "close")).isEqualTo("error: close CODE [REASON]: needs a CODE");
			assertThat(answer(lab, "close 1000 " + "r".repeat(124))).contains("REASON is at most 123 bytes");
			assertThat(answer(lab, "headers please")).isEqualTo("error: headers: takes no arguments; got 1");
			assertThat(answer(lab, "ECHO Case does not matter for the word")).isEqualTo("Case does not matter for the word");
		}
	}

	@Test
	void echoSendsBackExactlyTheTextAfterTheWord() throws IOException {
		try (RawWebSocket lab = RawWebSocket.open(this.port, LAB)) {
			assertThat(answer(lab, "echo  two spaces, one kept ")).isEqualTo(" two spaces, one kept ");
			assertThat(answer(lab, "echo")).isEmpty();
			assertThat(answer(lab, "echo héllo \u20ac \uD83D\uDE00")).isEqualTo("héllo \u20ac \uD83D\uDE00");
		}
	}

	@Test
	void aCommandSentInFragmentsIsReadWhole() throws IOException {
		try (RawWebSocket lab = RawWebSocket.open(this.port, LAB)) {
			lab.sendFragmented(RawFrame.TEXT, "echo in pieces".getBytes(), 4);
			assertThat(lab.readText()).isEqualTo("in pieces");
		}
	}

	@Test
	void binaryMessagesAreEchoedAsOneWholeMessage() throws IOException {
		byte[] payload = Payloads.randomBytes(50_000, 7);
		try (RawWebSocket lab = RawWebSocket.open(this.port, LAB)) {
			lab.sendFragmented(RawFrame.BINARY, payload, 5);
			RawWebSocket.Message echo = lab.readMessage();
			assertThat(echo.opcode()).isEqualTo(RawFrame.BINARY);
			assertThat(echo.frames()).isEqualTo(1);
			assertThat(echo.payload()).isEqualTo(payload);
		}
	}

	@Test
	void textTooLongForACommandIsAnErrorNotAnEcho() throws IOException {
		try (RawWebSocket lab = RawWebSocket.open(this.port, LAB)) {
			String tooLong = "echo " + "x".repeat(CommandParser.MAX_COMMAND_BYTES);
			lab.sendFragmented(RawFrame.TEXT, tooLong.getBytes(), 9);
			assertThat(lab.readText()).isEqualTo("error: a command is at most 65536 bytes; got a text message of "
					+ tooLong.length() + " bytes. The lab echoes text only with \"echo TEXT\"; large messages echo on "
					+ "the other endpoints");
			assertThat(answer(lab, "echo next")).isEqualTo("next");
		}
	}

	/** The one way to see a real handler failure from outside: 1011, logged with its stack trace, this session only. */
	@Test
	void failMakesTheHandlerThrowAndOnlyThatSessionIsClosedWith1011(CapturedOutput output) throws IOException {
		try (RawWebSocket bystander = RawWebSocket.open(this.port, LAB); RawWebSocket lab = RawWebSocket.open(this.port, LAB)) {
			lab.sendText("fail");

			RawFrame.Close close = lab.readClose();
			assertThat(close.code()).isEqualTo(1011);
			assertThat(close.reason()).isEqualTo("internal error: LabFailure");
			assertThat(answer(bystander, "echo still here")).isEqualTo("still here");
		}
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(output.getOut())
			.contains("Handler failed on session")
			.contains("LabFailure: the lab's fail command: a handler failure on purpose"));
	}

	@Test
	void ticksAreRefusedAtTheHandshakeBecauseTheLabSendsOnlyWhatIsAskedFor() throws IOException {
		try (RawWebSocket refused = RawWebSocket.connect(this.port, RawUpgradeRequest.to(LAB + "?tick=100"))) {
			RawHttpResponse response = refused.response();
			assertThat(response.status()).isEqualTo(400);
			assertThat(response.bodyText()).contains("no ticks", "?tick=");
		}
	}

	@Test
	void broadcastsDoNotReachTheLab() throws IOException {
		try (RawWebSocket lab = RawWebSocket.open(this.port, LAB)) {
			RestClient.create("http://127.0.0.1:" + this.port)
				.post()
				.uri("/api/broadcast")
				.body("not for the lab")
				.retrieve()
				.toBodilessEntity();
			assertThat(answer(lab, "echo only this")).isEqualTo("only this");
		}
	}

	@Test
	void aBacklogBeyondItsBoundIsClosedWith1008RatherThanDroppedSilently() throws IOException {
		try (RawWebSocket lab = RawWebSocket.open(this.port, LAB)) {
			assertThat(answer(lab, "delay 60000")).isEqualTo("ok: delay 60000 ms");
			List<RawFrame> echoes = new ArrayList<>();
			for (int i = 0; i <= 10_000; i++) {
				echoes.add(RawFrame.text("echo " + i));
			}
			lab.send(echoes);
			RawFrame.Close close = lab.readClose();
			assertThat(close.code()).isEqualTo(1008);
			assertThat(close.reason()).startsWith("lab backlog: over 10000 messages");
		}
	}

	/**
	 * A flood holds its writer for as long as the client takes to read it. Clients that stop reading their floods
	 * hold theirs until the send-time limit (10 s), and must not hold up the answers to anyone else: four of them
	 * took every thread the lab had.
	 */
	@Test
	void floodsThatAreNotReadDoNotHoldUpOtherLabSessions() throws IOException {
		List<RawWebSocket> stalled = new ArrayList<>();
		try {
			for (int i = 0; i < 6; i++) {
				RawWebSocket client = RawWebSocket.connector().receiveBufferSize(4096).open(this.port, LAB);
				stalled.add(client);
				client.sendText("flood 100 1000000");
			}
			try (RawWebSocket lab = RawWebSocket.connector().timeout(Duration.ofSeconds(5)).open(this.port, LAB)) {
				assertThat(answer(lab, "echo still answered")).isEqualTo("still answered");
			}
		}
		finally {
			stalled.forEach(RawWebSocket::close);
		}
	}

	private static String answer(RawWebSocket lab, String command) throws IOException {
		lab.sendText(command);
		return lab.readText();
	}

}
