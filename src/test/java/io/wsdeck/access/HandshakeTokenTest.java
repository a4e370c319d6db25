package io.wsdeck.access;

import java.io.IOException;

import io.wsdeck.support.RawHttpResponse;
import io.wsdeck.support.RawUpgradeRequest;
import io.wsdeck.support.RawWebSocket;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "wsdeck.access.token=s3cret/+token")
class HandshakeTokenTest {

	@LocalServerPort
	int port;

	private RawHttpResponse handshake(RawUpgradeRequest request) throws IOException {
		try (RawWebSocket ws = RawWebSocket.connect(this.port, request)) {
			return ws.response();
		}
	}

	@Test
	void refusesAHandshakeWithoutTokenWith401AndSaysHowToSendOne() throws IOException {
		RawHttpResponse response = handshake(RawUpgradeRequest.to("/ws"));
		assertThat(response.status()).isEqualTo(401);
		assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
		assertThat(response.bodyText()).contains("Authorization: Bearer").contains("access_token");
	}

	@Test
	void refusesAWrongTokenWith401() throws IOException {
		assertThat(handshake(RawUpgradeRequest.to("/ws").header("Authorization", "Bearer s3cret")).status())
			.isEqualTo(401);
		assertThat(handshake(RawUpgradeRequest.to("/ws?access_token=nope")).status()).isEqualTo(401);
	}

	@Test
	void acceptsTheTokenAsABearerHeader() throws IOException {
		try (RawWebSocket ws = RawWebSocket.connect(this.port,
				RawUpgradeRequest.to("/ws").header("Authorization", "Bearer s3cret/+token"))) {
			assertThat(ws.response().status()).isEqualTo(101);
			assertThat(ws.readText()).isEqualTo("world");
		}
	}

	@Test
	void acceptsThePercentEncodedTokenAsAQueryParameterForBrowsers() throws IOException {
		try (RawWebSocket ws = RawWebSocket.connect(this.port,
				RawUpgradeRequest.to("/ws/text?access_token=s3cret%2F%2Btoken&tick=1000"))) {
			assertThat(ws.response().status()).isEqualTo(101);
			assertThat(ws.readText()).isEqualTo("world");
		}
	}

}
