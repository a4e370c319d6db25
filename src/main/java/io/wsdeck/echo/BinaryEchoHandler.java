package io.wsdeck.echo;

import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.BinaryWebSocketHandler;

/**
 * Echoes every binary message byte for byte, fragment by fragment as it arrives. It sends no greeting: binary
 * clients (file transfers, load tools) take the first binary message they receive for their own echo. Text
 * messages are refused by {@link BinaryWebSocketHandler} with 1003.
 */
public class BinaryEchoHandler extends BinaryWebSocketHandler {

	@Override
	protected void handleBinaryMessage(WebSocketSession session, BinaryMessage message) throws Exception {
		session.sendMessage(message);
	}

	@Override
	public boolean supportsPartialMessages() {
		return true;
	}

}
