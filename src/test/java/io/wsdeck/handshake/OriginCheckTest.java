package io.wsdeck.handshake;

import java.io.IOException;
import java.util.Collection;

import io.wsdeck.support.RawHttpResponse;
import io.wsdeck.support.RawUpgradeRequest;
import io.wsdeck.support.RawWebSocket;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.handler.AbstractUrlHandlerMapping;
import org.springframework.web.socket.server.support.OriginHandshakeInterceptor;
import org.springframework.web.socket.server.support.WebSocketHttpRequestHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code wsdeck.endpoints.allowed-origins}: browsers send {@code Origin} with every handshake, and a page from a
 * site the operator did not list is refused with 403 before the upgrade; any origin passes with {@code *}, the
 * default.
 */
class OriginCheckTest {

	@Nested
	@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = "wsdeck.endpoints.allowed-origins=https://*.example.com")
	class Restricted {

		@LocalServerPort
		int port;

		@ParameterizedTest
		@ValueSource(strings = { "https://app.example.com", "https://a.b.example.com" })
		void anOriginMatchingAPatternIsUpgraded(String origin) throws IOException {
			assertThat(handshake(this.port, origin).status()).isEqualTo(101);
		}

		@ParameterizedTest
		@ValueSource(strings = { "https://evil.test", "http://app.example.com", "https://example.com.evil.test" })
		void anyOtherOriginIsRefusedWith403NamingItAndTheSetting(String origin) throws IOException {
			RawHttpResponse response = handshake(this.port, origin);

			assertThat(response.status()).as(response::toString).isEqualTo(403);
			assertThat(response.bodyText()).contains("Origin " + origin + " is not allowed")
				.contains("wsdeck.endpoints.allowed-origins");
		}

		@Test
		void theServersOwnOriginAndNoOriginAtAllAreUpgraded() throws IOException {
			assertThat(handshake(this.port, "http://127.0.0.1:" + this.port).status()).isEqualTo(101);
			assertThat(handshake(this.port, null).status()).isEqualTo(101); // not a browser: nothing to check
		}

	}

	@Nested
	@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
	class AnyByDefault {

		@LocalServerPort
		int port;

		@ParameterizedTest
		@ValueSource(strings = { "https://evil.test", "null", "http://localhost:3000" })
		void everyOriginIsUpgraded(String origin) throws IOException {
			assertThat(handshake(this.port, origin).status()).isEqualTo(101);
		}

		@Test
		void eachEndpointChecksTheOriginOnceNotAgainInSpringsOwnInterceptor(
				@Qualifier("webSocketHandlerMapping") @Autowired HandlerMapping mapping) {
			Collection<Object> endpoints = ((AbstractUrlHandlerMapping) mapping).getHandlerMap().values();

			assertThat(endpoints).hasSize(5).allSatisfy((endpoint) -> assertThat(
					((WebSocketHttpRequestHandler) endpoint).getHandshakeInterceptors())
				.filteredOn(OriginHandshakeInterceptor.class::isInstance)
				.singleElement()
				.isInstanceOf(OriginCheck.class));
		}

	}

	static RawHttpResponse handshake(int port, String origin) throws IOException {
		RawUpgradeRequest request = RawUpgradeRequest.to("/ws/echo");
		if (origin != null) {
			request.header("Origin", origin);
		}
		try (RawWebSocket ws = RawWebSocket.connect(port, request)) {
			return ws.response();
		}
	}

}
