package io.wsdeck.lab;

import java.io.IOException;

import org.springframework.web.socket.WebSocketMessage;

/**
 * Sends a message back, after the session's delay: the text after {@code echo }, or a binary message, always as
 * one whole message (the echo endpoints stream fragments back as they arrive instead).
 */
record Echo(WebSocketMessage<?> message) implements Command {

	@Override
	public void run(LabSession lab) throws IOException {
		lab.session().sendMessage(this.message);
	}

}
