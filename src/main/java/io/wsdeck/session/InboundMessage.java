package io.wsdeck.session;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketMessage;

/**
 * The data message a session is receiving, counted fragment by fragment. Tomcat's own buffers are kept small so
 * idle sessions stay cheap, which means it cannot enforce the message size limit itself: this does, on the wire
 * bytes (UTF-8 for text), before any fragment of an oversized message reaches a handler.
 */
final class InboundMessage {

	private final long maxBytes;

	private final MessageSize.Memo sizes;

	/** Touched only by the container's read path, one thread at a time per session. */
	private long bytes;

	private int fragments;

	private MessageKind kind;

	InboundMessage(long maxBytes, MessageSize.Memo sizes) {
		this.maxBytes = maxBytes;
		this.sizes = sizes;
	}

	/**
	 * Counts one fragment (or a whole message).
	 * @return its payload size in bytes
	 */
	long add(WebSocketMessage<?> message, MessageKind kind) {
		long size = this.sizes.of(message);
		this.bytes += size;
		this.fragments++;
		this.kind = kind;
		return size;
	}

	boolean overLimit() {
		return this.bytes > this.maxBytes;
	}

	long bytes() {
		return this.bytes;
	}

	int fragments() {
		return this.fragments;
	}

	long maxBytes() {
		return this.maxBytes;
	}

	/**
	 * The close for a message over the limit.
	 * @param declared the size the message would reach, as a frame header declared it; 0 when it has passed the
	 *        limit as it arrived
	 */
	CloseStatus tooBig(long declared) {
		return CloseStatus.TOO_BIG_TO_PROCESS.withReason("message too big: "
				+ ((declared > 0) ? declared + " bytes declared, " : "") + "over " + this.maxBytes
				+ " bytes (limit wsdeck.limits.max-message-size)");
	}

	/** The kind of the message being received; meaningful while {@link #fragments()} is above 0. */
	MessageKind kind() {
		return this.kind;
	}

	void reset() {
		this.bytes = 0;
		this.fragments = 0;
	}

}
