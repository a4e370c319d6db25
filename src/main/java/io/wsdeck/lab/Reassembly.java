package io.wsdeck.lab;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.TextMessage;

/**
 * Lab commands and echoes act on whole messages, and the session layer hands messages over fragment by fragment
 * (so that the echo endpoints never hold one whole). Text is commands, so it is kept only up to a small limit and
 * merely counted beyond it; binary is echoed whole, and the session layer has already closed any message over
 * {@code wsdeck.limits.max-message-size}. Used by the container's read path only, one fragment at a time.
 */
final class Reassembly {

	/**
	 * A whole text message.
	 * @param text the message, or {@code null} if it was longer than the limit
	 * @param bytes its size in UTF-8
	 */
	record WholeText(String text, long bytes) {
	}

	private final int maxTextBytes;

	private final StringBuilder text = new StringBuilder();

	private long textBytes;

	private ByteArrayOutputStream binary;

	Reassembly(int maxTextBytes) {
		this.maxTextBytes = maxTextBytes;
	}

	/** @return the whole message once its last fragment is in, else {@code null} */
	WholeText text(TextMessage fragment) {
		String payload = fragment.getPayload();
		this.textBytes += payload.getBytes(StandardCharsets.UTF_8).length;
		if (this.textBytes <= this.maxTextBytes) {
			this.text.append(payload);
		}
		if (!fragment.isLast()) {
			return null;
		}
		WholeText whole = new WholeText((this.textBytes <= this.maxTextBytes) ? this.text.toString() : null,
				this.textBytes);
		this.text.setLength(0);
		this.text.trimToSize();
		this.textBytes = 0;
		return whole;
	}

	/** @return the whole message once its last fragment is in, else {@code null} */
	byte[] binary(BinaryMessage fragment) {
		ByteBuffer payload = fragment.getPayload();
		if (this.binary == null && fragment.isLast()) {
			return copy(payload); // the usual case, a message in one piece
		}
		if (this.binary == null) {
			this.binary = new ByteArrayOutputStream();
		}
		this.binary.writeBytes(copy(payload));
		if (!fragment.isLast()) {
			return null;
		}
		byte[] whole = this.binary.toByteArray();
		this.binary = null; // not reset(): that would keep a large message's buffer for the session's lifetime
		return whole;
	}

	private static byte[] copy(ByteBuffer payload) {
		byte[] bytes = new byte[payload.remaining()];
		payload.duplicate().get(bytes);
		return bytes;
	}

}
