package io.wsdeck.echo;

import io.wsdeck.support.WsClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class EchoEndpointsTest {

	@LocalServerPort
	int port;

	@Test
	void mixedAndTextEndpointsGreetWithWorldAsTheTutorialServerDoes() {
		try (WsClient mixed = WsClient.connect(this.port, "/ws"); WsClient text = WsClient.connect(this.port, "/ws/text")) {
			assertThat(mixed.nextText()).isEqualTo("world");
			assertThat(text.nextText()).isEqualTo("world");
		}
	}

	@Test
	void textEndpointEchoesTextUnchanged() {
		try (WsClient client = WsClient.connectGreeted(this.port, "/ws/text")) {
			client.sendText("Hello Server!").sendText("").sendText("héllo wörld \u20ac \uD83D\uDE00");
			assertThat(client.nextText()).isEqualTo("Hello Server!");
			assertThat(client.nextText()).isEmpty();
			assertThat(client.nextText()).isEqualTo("héllo wörld \u20ac \uD83D\uDE00");
		}
	}

	@Test
	void binaryEndpointEchoesByteForByteWithoutGreeting() {
		byte[] bytes = new byte[256];
		for (int i = 0; i < bytes.length; i++) {
			bytes[i] = (byte) i;
		}
		try (WsClient client = WsClient.connect(this.port, "/ws/binary")) {
			client.sendBinary(bytes);
			assertThat(client.nextBinary()).isEqualTo(bytes); // the first message is the echo: no greeting
		}
	}

	@Test
	void mixedEndpointCarriesTextAndBinaryOnOneConnection() {
		try (WsClient client = WsClient.connectGreeted(this.port, "/ws")) {
			client.sendText("text first").sendBinary(new byte[] { 1, 2, 3 }).sendText("text again");
			assertThat(client.nextText()).isEqualTo("text first");
			assertThat(client.nextBinary()).containsExactly(1, 2, 3);
			assertThat(client.nextText()).isEqualTo("text again");
		}
	}

	@Test
	void textEndpointClosesBinarySenderWith1003AndAReason() {
		try (WsClient client = WsClient.connectGreeted(this.port, "/ws/text")) {
			client.sendBinary(new byte[] { 1 });
			CloseStatus status = client.awaitClose();
			assertThat(status.getCode()).isEqualTo(CloseStatus.NOT_ACCEPTABLE.getCode());
			assertThat(status.getReason()).isNotBlank();
		}
	}

	@Test
	void binaryEndpointClosesTextSenderWith1003AndAReason() {
		try (WsClient client = WsClient.connect(this.port, "/ws/binary")) {
			client.sendText("not binary");
			CloseStatus status = client.awaitClose();
			assertThat(status.getCode()).isEqualTo(CloseStatus.NOT_ACCEPTABLE.getCode());
			assertThat(status.getReason()).isNotBlank();
		}
	}

}
