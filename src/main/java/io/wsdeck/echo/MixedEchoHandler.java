package io.wsdeck.echo;

import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * One connection for both kinds, as the tutorial's browser client sends text, Blob and ArrayBuffer on one socket:
 * greets like the text endpoint, hands text to the text handler and binary to the binary handler.
 */
public class MixedEchoHandler implements WebSocketHandler {

	private final TextEchoHandler text;

	private final BinaryEchoHandler binary;

	public MixedEchoHandler(TextEchoHandler text, BinaryEchoHandler binary) {
		this.text = text;
		this.binary = binary;
	}

	@Override
	public void afterConnectionEstablished(WebSocketSession session) throws Exception {
		this.text.afterConnectionEstablished(session);
	}

	@Override
	public void handleMessage(WebSocketSession session, WebSocketMessage<?> message) throws Exception {
		if (message instanceof BinaryMessage) {
			this.binary.handleMessage(session, message);
		}
		else {
			this.text.handleMessage(session, message);
		}
	}

	@Override
	public void handleTransportError(WebSocketSession session, Throwable exception) {
	}

	@Override
	public void afterConnectionClosed(WebSocketSession session, CloseStatus closeStatus) {
	}

	@Override
	public boolean supportsPartialMessages() {
		return true;
	}

}
