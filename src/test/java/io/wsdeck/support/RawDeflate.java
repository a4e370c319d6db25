package io.wsdeck.support;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The raw client's side of permessage-deflate (RFC 7692): one compressor for what it sends and one decompressor for
 * what it reads, each keeping its LZ77 window from message to message unless the handshake took that away.
 * <pre>
 * RawWebSocket ws = RawWebSocket.connect(port, RawUpgradeRequest.to("/ws")
 *     .header("Sec-WebSocket-Extensions", RawDeflate.EXTENSION)).expectUpgraded();
 * try (RawDeflate deflate = RawDeflate.negotiatedBy(ws.response())) {
 *     ws.send(deflate.frame(RawFrame.TEXT, bytes));                  // compressed, RSV1 set
 *     byte[] echo = deflate.payloadOf(ws.readMessage());             // inflated if the server compressed it
 * }
 * </pre>
 * Sender and receiver handle the deflate stream's tail as section 7.2.1 and 7.2.2 say: a message is compressed and
 * sync-flushed, and the {@code 00 00 ff ff} the flush ends with is left off the wire; the receiver puts it back
 * before inflating. Not thread-safe; one per connection.
 */
public final class RawDeflate implements AutoCloseable {

	/** The extension token, and a complete offer with no parameters. */
	public static final String EXTENSION = "permessage-deflate";

	public static final String CLIENT_NO_CONTEXT_TAKEOVER = "client_no_context_takeover";

	public static final String SERVER_NO_CONTEXT_TAKEOVER = "server_no_context_takeover";

	/** RFC 7692 7.2.1: an empty stored block, the end of every sync flush; removed on the wire. */
	private static final byte[] TAIL = { 0x00, 0x00, (byte) 0xFF, (byte) 0xFF };

	private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);

	private final Inflater inflater = new Inflater(true);

	/** {@code client_no_context_takeover}: each message sent starts from an empty window. */
	private final boolean resetCompressorPerMessage;

	/** {@code server_no_context_takeover}: each message read starts from an empty window. */
	private final boolean resetDecompressorPerMessage;

	private RawDeflate(boolean resetCompressorPerMessage, boolean resetDecompressorPerMessage) {
		this.resetCompressorPerMessage = resetCompressorPerMessage;
		this.resetDecompressorPerMessage = resetDecompressorPerMessage;
	}

	/** Both windows kept across messages: the default when neither side asked otherwise. */
	public static RawDeflate withContextTakeover() {
		return new RawDeflate(false, false);
	}

	/**
	 * The codec the server's answer agreed to; fails the test if it accepted no permessage-deflate.
	 * {@code server_no_context_takeover} there means the server starts every message from an empty window, which
	 * this decompressor then does too, so a server that kept its window after all produces data it cannot inflate.
	 */
	public static RawDeflate negotiatedBy(RawHttpResponse response) {
		List<String> parameters = acceptedParameters(response).orElseThrow(() -> new AssertionError(
				"the server did not accept " + EXTENSION + "; its answer was:\n" + response));
		return new RawDeflate(parameters.contains(CLIENT_NO_CONTEXT_TAKEOVER),
				parameters.contains(SERVER_NO_CONTEXT_TAKEOVER));
	}

	/**
	 * The parameters of the permessage-deflate the server accepted in {@code Sec-WebSocket-Extensions} (RFC 6455
	 * 9.1 syntax, e.g. {@code permessage-deflate; client_no_context_takeover}), each as written
	 * ({@code client_max_window_bits=15}); empty if it accepted none.
	 */
	public static Optional<List<String>> acceptedParameters(RawHttpResponse response) {
		for (String line : response.headerValues("Sec-WebSocket-Extensions")) {
			for (String extension : line.split(",")) {
				String[] parts = extension.split(";");
				if (parts[0].trim().equalsIgnoreCase(EXTENSION)) {
					List<String> parameters = new ArrayList<>();
					for (int i = 1; i < parts.length; i++) {
						parameters.add(parts[i].replace(" ", ""));
					}
					return Optional.of(List.copyOf(parameters));
				}
			}
		}
		return Optional.empty();
	}

	/** A whole message as one compressed frame: RSV1 set, masked, final. */
	public RawFrame frame(int opcode, byte[] message) {
		return RawFrame.of(opcode, compress(message)).withRsv1(true);
	}

	/**
	 * A message compressed once and its compressed bytes split into {@code count} frames: RSV1 on the first frame
	 * only, as RFC 7692 6.1 requires (it marks the message, not the frame).
	 */
	public List<RawFrame> fragments(int opcode, byte[] message, int count) {
		List<RawFrame> frames = new ArrayList<>(RawFrame.fragments(opcode, compress(message), count));
		frames.set(0, frames.get(0).withRsv1(true));
		return frames;
	}

	/** RFC 7692 7.2.1: deflate, sync flush, and drop the trailing {@code 00 00 ff ff}. */
	public byte[] compress(byte[] message) {
		this.deflater.setInput(message);
		ByteArrayOutputStream out = new ByteArrayOutputStream(message.length / 2 + 16);
		byte[] buffer = new byte[8192];
		int written;
		do {
			// SYNC_FLUSH fills the buffer exactly when there is more to come (Deflater.deflate's contract)
			written = this.deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
			out.write(buffer, 0, written);
		}
		while (written == buffer.length);
		byte[] flushed = out.toByteArray();
		if (this.resetCompressorPerMessage) {
			this.deflater.reset();
		}
		if (!endsWithTail(flushed)) {
			throw new IllegalStateException("a sync flush ends with 00 00 ff ff; got " + RawFrame.hex(flushed, 64));
		}
		return Arrays.copyOf(flushed, flushed.length - TAIL.length);
	}

	/** RFC 7692 7.2.2: append {@code 00 00 ff ff} and inflate; fails the test on data that is not deflate. */
	public byte[] decompress(byte[] payload) {
		byte[] input = Arrays.copyOf(payload, payload.length + TAIL.length);
		System.arraycopy(TAIL, 0, input, payload.length, TAIL.length);
		this.inflater.setInput(input);
		ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length * 3 + 16);
		byte[] buffer = new byte[8192];
		try {
			while (!this.inflater.needsInput() && !this.inflater.finished()) {
				int inflated = this.inflater.inflate(buffer);
				out.write(buffer, 0, inflated);
				if (inflated == 0 && this.inflater.needsDictionary()) {
					throw new AssertionError("the server's deflate data asks for a preset dictionary");
				}
			}
		}
		catch (DataFormatException ex) {
			throw new AssertionError("the server's compressed payload is not valid deflate data"
					+ (this.resetDecompressorPerMessage ? " when inflated from an empty window" : "") + ": "
					+ RawFrame.hex(payload, 64), ex);
		}
		if (this.resetDecompressorPerMessage || this.inflater.finished()) {
			// a final block (BFINAL) ends the stream: the next message starts a new one
			this.inflater.reset();
		}
		return out.toByteArray();
	}

	/** The message's payload as the application sent it: inflated when its first frame had RSV1, else as is. */
	public byte[] payloadOf(RawWebSocket.Message message) {
		return message.compressed() ? decompress(message.payload()) : message.payload();
	}

	/** Releases the native zlib memory now rather than at garbage collection. */
	@Override
	public void close() {
		this.deflater.end();
		this.inflater.end();
	}

	private static boolean endsWithTail(byte[] bytes) {
		return bytes.length >= TAIL.length
				&& Arrays.equals(bytes, bytes.length - TAIL.length, bytes.length, TAIL, 0, TAIL.length);
	}

}
