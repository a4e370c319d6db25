package io.wsdeck.session;

import io.wsdeck.support.WsClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.handler.TextWebSocketHandler;

import static org.assertj.core.api.Assertions.assertThat;

/** A handler that throws closes only its own session, with 1011 and a reason; the server serves on. */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class HandlerFailureTest {

	@LocalServerPort
	int port;

	@Test
	void aFailingHandlerClosesItsSessionWith1011AndAReason() {
		try (WsClient victim = WsClient.connect(this.port, "/test/failing");
				WsClient bystander = WsClient.connectGreeted(this.port, "/ws")) {
			victim.sendText("boom");
			CloseStatus status = victim.awaitClose();
			assertThat(status.getCode()).isEqualTo(CloseStatus.SERVER_ERROR.getCode());
			assertThat(status.getReason()).isEqualTo("internal error: IllegalStateException");

			bystander.sendText("still served");
			assertThat(bystander.nextText()).isEqualTo("still served");
		}
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class FailingEndpoint {

		@Bean
		WebSocketConfigurer failingEndpoint(SessionSupport sessions) {
			TextWebSocketHandler failing = new TextWebSocketHandler() {
				@Override
				protected void handleTextMessage(WebSocketSession session, TextMessage message) {
					throw new IllegalStateException("the handler broke");
				}
			};
			return registry -> registry.addHandler(new ManagedSessionHandler(failing, Endpoint.MIXED, sessions),
					"/test/failing");
		}

	}

}
