package io.wsdeck.session;

import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketMessage;

/**
 * A message's payload size in wire bytes, without encoding it. Spring's {@code TextMessage.getPayloadLength()}
 * encodes the whole text to UTF-8 on every call only to count it; on a 16 MiB message that is a 16 MiB garbage
 * array per call.
 */
final class MessageSize {

	private MessageSize() {
	}

	static long of(WebSocketMessage<?> message) {
		if (message instanceof TextMessage text) {
			return utf8Length(text.getPayload());
		}
		return message.getPayloadLength();
	}

	/**
	 * The size of the last message measured, kept per session: the echo sends back the very message it received,
	 * and the inbound limit, the outbound buffer accounting and the write all ask for its size. One entry,
	 * matched by identity, published as one immutable pair so a reader on another thread never mixes two.
	 */
	static final class Memo {

		private volatile Sized last = new Sized(null, 0);

		long of(WebSocketMessage<?> message) {
			if (!(message instanceof TextMessage)) {
				return message.getPayloadLength(); // constant time, and a binary payload is not worth keeping alive
			}
			Sized sized = this.last;
			if (sized.message() == message) {
				return sized.size();
			}
			long size = MessageSize.of(message);
			this.last = new Sized(message, size);
			return size;
		}

		private record Sized(WebSocketMessage<?> message, long size) {
		}

	}

	static long utf8Length(CharSequence text) {
		long bytes = 0;
		int length = text.length();
		for (int i = 0; i < length; i++) {
			char c = text.charAt(i);
			if (c < 0x80) {
				bytes += 1;
			}
			else if (c < 0x800) {
				bytes += 2;
			}
			else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
				bytes += 4;
				i++;
			}
			else {
				bytes += 3;
			}
		}
		return bytes;
	}

}
