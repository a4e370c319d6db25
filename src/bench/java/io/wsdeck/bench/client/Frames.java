package io.wsdeck.bench.client;

import java.nio.ByteBuffer;

import io.wsdeck.support.RawDeflate;
import io.wsdeck.support.RawFrame;

/**
 * The load client's frames, encoded and masked once by the tests' {@link RawFrame} so that sending one is a buffer
 * copy. A general-purpose client must mask every frame with a fresh key (RFC 6455 5.3); a benchmark client may
 * reuse one, because the server unmasks every byte either way, and masking afresh would only add the client's own
 * cost to the figures.
 */
public final class Frames {

	/** The close code for a normal end of the session (RFC 6455 7.4.1). */
	public static final int NORMAL_CLOSURE = 1000;

	static final ByteBuffer CLOSE_NORMAL = encode(RawFrame.close(NORMAL_CLOSURE, ""));

	private Frames() {
	}

	/** A final text frame; {@code utf8} must be valid UTF-8. */
	public static ByteBuffer text(byte[] utf8) {
		return encode(RawFrame.of(RawFrame.TEXT, utf8));
	}

	/**
	 * A final text frame compressed from an empty window (permessage-deflate, RFC 7692 7.2.1), as a browser sends
	 * each message: a server inflates it whether or not it keeps the client's window between messages.
	 */
	public static ByteBuffer compressedText(byte[] utf8) {
		try (RawDeflate deflate = RawDeflate.withContextTakeover()) {
			return encode(deflate.frame(RawFrame.TEXT, utf8));
		}
	}

	/** A final binary frame in direct memory, so a large one reaches the socket without a copy per write. */
	public static ByteBuffer binary(byte[] payload) {
		ByteBuffer heap = encode(RawFrame.of(RawFrame.BINARY, payload));
		return ByteBuffer.allocateDirect(heap.remaining()).put(heap).flip().asReadOnlyBuffer();
	}

	static ByteBuffer close(int code) {
		return encode(RawFrame.close(code, ""));
	}

	static ByteBuffer pong(ByteBuffer pingPayload) {
		byte[] payload = new byte[pingPayload.remaining()];
		pingPayload.get(payload);
		return encode(RawFrame.pong(payload));
	}

	private static ByteBuffer encode(RawFrame frame) {
		return ByteBuffer.wrap(frame.encode()).asReadOnlyBuffer();
	}

}
