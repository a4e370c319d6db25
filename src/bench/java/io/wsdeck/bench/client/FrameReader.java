package io.wsdeck.bench.client;

import java.io.IOException;
import java.nio.ByteBuffer;

import io.wsdeck.support.RawFrame;

/**
 * Decodes a server's frames (RFC 6455 5.2) as bytes arrive and hands data payloads on in pieces, so a 10 MB
 * message never has to fit in a buffer. Hand-written rather than taken from a library: a benchmark client needs the
 * framing and nothing more (no UTF-8 validation; permessage-deflate is left to the
 * {@link Connection}), and a library's own cost would land in the figures.
 */
final class FrameReader {

	/** Where decoded frames go. */
	interface Sink {

		/**
		 * A piece of a data message's payload as it came on the wire; the buffer is valid only during the call.
		 * @param compressed whether the message's first frame had RSV1 set (permessage-deflate, RFC 7692 6)
		 */
		void payload(ByteBuffer piece, boolean compressed) throws IOException;

		/** The last piece of a data message has been handed on; {@code length} counts its bytes on the wire. */
		void messageEnd(int opcode, long length, boolean compressed) throws IOException;

		/** A whole control frame (ping, pong, close): at most 125 bytes and never fragmented (5.5). */
		void control(int opcode, ByteBuffer payload) throws IOException;

	}

	private boolean inPayload;

	private boolean fin;

	private long remaining;

	private int messageOpcode;

	private boolean compressed;

	private long messageLength;

	/**
	 * Consumes every complete header and control frame and every payload byte in {@code in}; what is left is an
	 * incomplete header or control frame, for the caller to present again with the next bytes.
	 */
	void read(ByteBuffer in, Sink sink) throws IOException {
		while (true) {
			if (this.inPayload) {
				int n = (int) Math.min(this.remaining, in.remaining());
				if (n > 0) {
					int at = in.position();
					in.position(at + n);
					this.remaining -= n;
					this.messageLength += n;
					sink.payload(in.slice(at, n), this.compressed);
				}
				if (this.remaining > 0) {
					return;
				}
				this.inPayload = false;
				if (this.fin) {
					long length = this.messageLength;
					this.messageLength = 0;
					sink.messageEnd(this.messageOpcode, length, this.compressed);
				}
				continue;
			}
			if (in.remaining() < 2) {
				return;
			}
			int at = in.position();
			int b0 = in.get(at) & 0xFF;
			int b1 = in.get(at + 1) & 0xFF;
			if ((b1 & 0x80) != 0) {
				throw new IOException("the server masked a frame, which RFC 6455 5.1 forbids");
			}
			int length7 = b1 & 0x7F;
			int headerLength = 2 + ((length7 == 126) ? 2 : (length7 == 127) ? 8 : 0);
			if (in.remaining() < headerLength) {
				return;
			}
			long length = (length7 == 126) ? (in.getShort(at + 2) & 0xFFFF)
					: (length7 == 127) ? in.getLong(at + 2) : length7;
			int opcode = b0 & 0x0F;
			if (opcode >= RawFrame.CLOSE) {
				if (length > 125) {
					throw new IOException("a control frame of " + length + " bytes; RFC 6455 5.5 allows 125");
				}
				if (in.remaining() < headerLength + length) {
					return;
				}
				in.position(at + headerLength + (int) length);
				sink.control(opcode, in.slice(at + headerLength, (int) length));
				continue;
			}
			in.position(at + headerLength);
			if (opcode != RawFrame.CONTINUATION) {
				this.messageOpcode = opcode;
				this.compressed = (b0 & 0x40) != 0;
			}
			this.fin = (b0 & 0x80) != 0;
			this.remaining = length;
			this.inPayload = true;
		}
	}

}
