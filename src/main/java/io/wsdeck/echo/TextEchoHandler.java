package io.wsdeck.echo;

import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * Greets each client, as the tutorial's server sends {@code world}, and echoes every text message unchanged.
 * Fragments are echoed as they arrive, so a 10 MB message never sits whole in memory; binary messages are refused
 * by {@link TextWebSocketHandler} with 1003.
 */
public class TextEchoHandler extends TextWebSocketHandler {

	private final String greeting;

	public TextEchoHandler(String greeting) {
		this.greeting = greeting;
	}

	@Override
	public void afterConnectionEstablished(WebSocketSession session) throws Exception {
		if (!this.greeting.isEmpty()) {
			session.sendMessage(new TextMessage(this.greeting));
		}
	}

	@Override
	protected void handleTextMessage(WebSocketSession session, TextMessage message) throws Exception {
		session.sendMessage(message);
	}

	@Override
	public boolean supportsPartialMessages() {
		return true;
	}

}
