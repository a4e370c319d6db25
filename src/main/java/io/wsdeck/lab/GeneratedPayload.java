package io.wsdeck.lab;

import io.wsdeck.session.MessageKind;

import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketMessage;

/**
 * The bytes {@code send} and {@code flood} make up. Each byte depends on its position in the message, so a client
 * can check that fragments were reassembled whole and in order: in text, byte {@code i} is {@code 'a' + i % 26}
 * (ASCII, so a byte is a character and a frame boundary never splits one); in binary, it is {@code i % 256}.
 */
final class GeneratedPayload {

	private GeneratedPayload() {
	}

	/** Bytes {@code from} (inclusive) to {@code to} (exclusive) of a message, as one fragment of it. */
	static WebSocketMessage<?> fragment(MessageKind kind, long from, long to, boolean last) {
		return (kind == MessageKind.TEXT) ? new TextMessage(text(from, to), last)
				: new BinaryMessage(binary(from, to), last);
	}

	static String text(long from, long to) {
		char[] chars = new char[Math.toIntExact(to - from)];
		for (int i = 0; i < chars.length; i++) {
			chars[i] = (char) ('a' + (from + i) % 26);
		}
		return new String(chars);
	}

	static byte[] binary(long from, long to) {
		byte[] bytes = new byte[Math.toIntExact(to - from)];
		for (int i = 0; i < bytes.length; i++) {
			bytes[i] = (byte) (from + i);
		}
		return bytes;
	}

}
