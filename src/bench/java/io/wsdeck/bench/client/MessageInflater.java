package io.wsdeck.bench.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Inflates a connection's compressed messages (permessage-deflate, RFC 7692 7.2.2): each payload piece as it
 * arrives, then the four bytes {@code 00 00 FF FF} the sender took off the end of the message. The window is kept
 * from one message to the next unless the server said {@code server_no_context_takeover}. The zlib state and the
 * output buffer are made with the first compressed message: an idle connection that negotiated compression holds
 * neither, so 100,000 of them fit the client's heap.
 */
final class MessageInflater implements AutoCloseable {

	private static final byte[] TAIL = { 0x00, 0x00, (byte) 0xFF, (byte) 0xFF };

	private final boolean freshEachMessage;

	private Inflater inflater;

	private byte[] out;

	private long inflatedLength;

	private MessageInflater(boolean freshEachMessage) {
		this.freshEachMessage = freshEachMessage;
	}

	/** An inflater for what the server answered in {@code Sec-WebSocket-Extensions}, or {@code null} for none. */
	static MessageInflater negotiatedBy(String extensions) {
		if (!extensions.startsWith("permessage-deflate")) {
			return null;
		}
		return new MessageInflater(extensions.contains("server_no_context_takeover"));
	}

	/** Inflates one piece of a message, handing on each inflated piece (valid only during the call). */
	void inflate(ByteBuffer piece, Consumer<ByteBuffer> inflated) throws IOException {
		inflater().setInput(piece);
		drain(inflated);
	}

	/** Ends the message: hands on what is left and returns the message's inflated length. */
	long end(Consumer<ByteBuffer> inflated) throws IOException {
		inflater().setInput(TAIL);
		drain(inflated);
		long length = this.inflatedLength;
		this.inflatedLength = 0;
		if (this.freshEachMessage) {
			this.inflater.reset();
		}
		return length;
	}

	private Inflater inflater() {
		if (this.inflater == null) {
			this.inflater = new Inflater(true);
			this.out = new byte[8192];
		}
		return this.inflater;
	}

	private void drain(Consumer<ByteBuffer> inflated) throws IOException {
		try {
			int n;
			while ((n = this.inflater.inflate(this.out)) > 0) {
				this.inflatedLength += n;
				inflated.accept(ByteBuffer.wrap(this.out, 0, n));
			}
		}
		catch (DataFormatException ex) {
			throw new IOException("the server sent a compressed message that does not inflate", ex);
		}
	}

	@Override
	public void close() {
		if (this.inflater != null) {
			this.inflater.end();
		}
	}

}
