package io.wsdeck.session;

import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketMessage;

/** The two kinds of data message; the name is the tag used in logs and metrics. */
public enum MessageKind {

	TEXT("text"), BINARY("binary");

	private final String tag;

	MessageKind(String tag) {
		this.tag = tag;
	}

	public String tag() {
		return this.tag;
	}

	/** @return the kind, or {@code null} for a control message (ping, pong) */
	static MessageKind of(WebSocketMessage<?> message) {
		if (message instanceof TextMessage) {
			return TEXT;
		}
		return message instanceof BinaryMessage ? BINARY : null;
	}

}
