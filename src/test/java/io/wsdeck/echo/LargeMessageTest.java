package io.wsdeck.echo;

import io.wsdeck.support.Payloads;
import io.wsdeck.support.WsClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.util.unit.DataSize;
import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;

/** The tutorial's 10,000,000-byte messages, with the default 16 MiB limit and 8 KiB per-session buffers. */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class LargeMessageTest {

	@LocalServerPort
	int port;

	@Test
	void echoesTenMillionByteTextIntact() {
		String text = Payloads.randomText(Payloads.TUTORIAL_SIZE, 1);
		try (WsClient client = WsClient.connectGreeted(this.port, "/ws/text")) {
			client.sendText(text);
			assertThat(Payloads.sha256(client.nextText())).isEqualTo(Payloads.sha256(text));
		}
	}

	@Test
	void echoesTenMillionByteBinaryIntact() {
		byte[] bytes = Payloads.randomBytes(Payloads.TUTORIAL_SIZE, 2);
		try (WsClient client = WsClient.connect(this.port, "/ws/binary")) {
			client.sendBinary(bytes);
			assertThat(Payloads.sha256(client.nextBinary())).isEqualTo(Payloads.sha256(bytes));
		}
	}

	@Test
	void mixedEndpointEchoesBothLargeKindsBackToBack() {
		String text = Payloads.randomText(Payloads.TUTORIAL_SIZE, 3);
		byte[] bytes = Payloads.randomBytes(Payloads.TUTORIAL_SIZE, 4);
		try (WsClient client = WsClient.connectGreeted(this.port, "/ws")) {
			client.sendText(text).sendBinary(bytes);
			assertThat(Payloads.sha256(client.nextText())).isEqualTo(Payloads.sha256(text));
			assertThat(Payloads.sha256(client.nextBinary())).isEqualTo(Payloads.sha256(bytes));
		}
	}

	@Test
	void messageOverTheLimitIsClosedWith1009AndOthersAreStillServed() {
		int overLimit = (int) DataSize.ofMegabytes(16).toBytes() + 1;
		try (WsClient bystander = WsClient.connectGreeted(this.port, "/ws");
				WsClient offender = WsClient.connect(this.port, "/ws/binary")) {
			sendUntilClosed(() -> offender.sendBinaryInFragments(new byte[overLimit], 1 << 20));
			CloseStatus status = offender.awaitClose();
			assertThat(status.getCode()).isEqualTo(CloseStatus.TOO_BIG_TO_PROCESS.getCode());
			assertThat(status.getReason()).contains("16777216");

			bystander.sendText("still here");
			assertThat(bystander.nextText()).isEqualTo("still here");
			try (WsClient newcomer = WsClient.connect(this.port, "/ws/binary")) {
				newcomer.sendBinary(new byte[] { 42 });
				assertThat(newcomer.nextBinary()).containsExactly(42);
			}
		}
	}

	@Test
	void textOverTheLimitCountsUtf8BytesNotCharacters() {
		// 6 MiB characters of three bytes each: 18 MiB on the wire, over the 16 MiB limit.
		String text = "\u20ac".repeat(6 * 1024 * 1024);
		try (WsClient client = WsClient.connectGreeted(this.port, "/ws/text")) {
			sendUntilClosed(() -> client.sendText(text));
			assertThat(client.awaitClose().getCode()).isEqualTo(CloseStatus.TOO_BIG_TO_PROCESS.getCode());
		}
	}

	/**
	 * The server may close with 1009 while the client is still writing the rest of the message; the client's send
	 * then fails, which is the expected end, not a test failure. The close code is asserted afterwards.
	 */
	private static void sendUntilClosed(Runnable send) {
		try {
			send.run();
		}
		catch (IllegalStateException ex) {
			// the connection was closed under the send
		}
	}

}
