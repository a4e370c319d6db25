package io.wsdeck.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One WebSocket frame exactly as it travels (RFC 6455 section 5.2), with every bit under the test's control: FIN,
 * RSV1-3, any 4-bit opcode (reserved ones included), masked or not, any payload length. Frames built here are
 * masked with a fresh random key, as a client must; {@link #unmasked()} and {@link #maskedWith(byte[])} make the
 * frames a conforming client would never send. Frames read from a server carry the mask key the server used, if it
 * (wrongly) used one, and their payload unmasked.
 * @param fin whether this is the final fragment of its message
 * @param rsv1 reserved bit 1 (permessage-deflate's "compressed" bit, RFC 7692)
 * @param rsv2 reserved bit 2
 * @param rsv3 reserved bit 3
 * @param opcode 0x0-0xF, reserved values allowed
 * @param maskKey the 4-byte masking key, or {@code null} for an unmasked frame
 * @param payload the application payload, unmasked
 */
public record RawFrame(boolean fin, boolean rsv1, boolean rsv2, boolean rsv3, int opcode, byte[] maskKey,
		byte[] payload) {

	public static final int CONTINUATION = 0x0;

	public static final int TEXT = 0x1;

	public static final int BINARY = 0x2;

	public static final int CLOSE = 0x8;

	public static final int PING = 0x9;

	public static final int PONG = 0xA;

	/** How a payload length is written; RFC 6455 5.2 requires the minimal form, the others test that rule. */
	public enum LengthEncoding {

		/** 7 bits up to 125, else 16 bits up to 65,535, else 64 bits. */
		MINIMAL,
		/** Always the 16-bit form (marker 126), even for short payloads. */
		EXTENDED_16,
		/** Always the 64-bit form (marker 127). */
		EXTENDED_64

	}

	private static final SecureRandom RANDOM = new SecureRandom();

	/** Masks the payload through a small buffer, so a 10 MB frame is never copied whole. */
	private static final int WRITE_CHUNK = 16 * 1024;

	public RawFrame {
		if (opcode < 0 || opcode > 0xF) {
			throw new IllegalArgumentException("an opcode has 4 bits; got " + opcode);
		}
		if (maskKey != null && maskKey.length != 4) {
			throw new IllegalArgumentException("a mask key has 4 bytes; got " + maskKey.length);
		}
		Objects.requireNonNull(payload, "payload");
	}

	/** A final, masked frame with no reserved bits: what a conforming client sends. */
	public static RawFrame of(int opcode, byte[] payload) {
		return new RawFrame(true, false, false, false, opcode, randomMaskKey(), payload);
	}

	public static RawFrame text(String text) {
		return of(TEXT, text.getBytes(StandardCharsets.UTF_8));
	}

	public static RawFrame binary(byte[] payload) {
		return of(BINARY, payload);
	}

	public static RawFrame continuation(byte[] payload) {
		return of(CONTINUATION, payload);
	}

	public static RawFrame ping(byte[] payload) {
		return of(PING, payload);
	}

	public static RawFrame pong(byte[] payload) {
		return of(PONG, payload);
	}

	public static RawFrame close(int code, String reason) {
		return of(CLOSE, closePayload(code, reason));
	}

	/**
	 * A message split into {@code count} frames of near-equal size: the first carries {@code opcode}, the rest are
	 * continuations, only the last has FIN. Splits fall on byte boundaries, so a UTF-8 character may straddle two
	 * frames, which RFC 6455 allows (only the whole message must be valid UTF-8).
	 */
	public static List<RawFrame> fragments(int opcode, byte[] payload, int count) {
		if (count < 1) {
			throw new IllegalArgumentException("a message needs at least one frame; got " + count);
		}
		List<RawFrame> frames = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			int from = (int) ((long) payload.length * i / count);
			int to = (int) ((long) payload.length * (i + 1) / count);
			frames.add(of(i == 0 ? opcode : CONTINUATION, Arrays.copyOfRange(payload, from, to))
				.withFin(i == count - 1));
		}
		return frames;
	}

	/** A close frame's payload: the 2-byte code in network order, then the reason in UTF-8 (RFC 6455 5.5.1). */
	public static byte[] closePayload(int code, String reason) {
		return closePayload(code, reason.getBytes(StandardCharsets.UTF_8));
	}

	/** As {@link #closePayload(int, String)}, with the reason's bytes as given (e.g. invalid UTF-8, to test 1007). */
	public static byte[] closePayload(int code, byte[] reason) {
		return ByteBuffer.allocate(2 + reason.length).putShort((short) code).put(reason).array();
	}

	public static byte[] randomMaskKey() {
		byte[] key = new byte[4];
		RANDOM.nextBytes(key);
		return key;
	}

	public RawFrame withFin(boolean fin) {
		return new RawFrame(fin, this.rsv1, this.rsv2, this.rsv3, this.opcode, this.maskKey, this.payload);
	}

	public RawFrame withRsv1(boolean rsv1) {
		return new RawFrame(this.fin, rsv1, this.rsv2, this.rsv3, this.opcode, this.maskKey, this.payload);
	}

	public RawFrame withRsv2(boolean rsv2) {
		return new RawFrame(this.fin, this.rsv1, rsv2, this.rsv3, this.opcode, this.maskKey, this.payload);
	}

	public RawFrame withRsv3(boolean rsv3) {
		return new RawFrame(this.fin, this.rsv1, this.rsv2, rsv3, this.opcode, this.maskKey, this.payload);
	}

	public RawFrame withOpcode(int opcode) {
		return new RawFrame(this.fin, this.rsv1, this.rsv2, this.rsv3, opcode, this.maskKey, this.payload);
	}

	/** The same frame without a mask: a protocol error from a client (RFC 6455 5.1). */
	public RawFrame unmasked() {
		return maskedWith(null);
	}

	/** The same frame masked with the given 4-byte key ({@code null}: unmasked). */
	public RawFrame maskedWith(byte[] key) {
		return new RawFrame(this.fin, this.rsv1, this.rsv2, this.rsv3, this.opcode, key, this.payload);
	}

	public boolean masked() {
		return this.maskKey != null;
	}

	public boolean isControl() {
		return (this.opcode & 0x8) != 0;
	}

	/** The payload decoded as UTF-8, failing on any invalid sequence rather than replacing it. */
	public String text() {
		return strictUtf8(this.payload);
	}

	/**
	 * The close frame's code and reason; {@code 1005} (no status) when the payload is empty, as RFC 6455 7.1.5
	 * says.
	 */
	public Close close() {
		if (this.opcode != CLOSE) {
			throw new AssertionError("expected a close frame, got " + this);
		}
		return Close.decode(this.payload);
	}

	/** The frame's bytes on the wire, with the minimal length encoding. */
	public byte[] encode() {
		return encode(LengthEncoding.MINIMAL);
	}

	public byte[] encode(LengthEncoding length) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream(14 + this.payload.length);
		try {
			writeTo(bytes, length);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return bytes.toByteArray();
	}

	/** Writes the frame with the minimal length encoding, masking as it goes. */
	public void writeTo(OutputStream out) throws IOException {
		writeTo(out, LengthEncoding.MINIMAL);
	}

	public void writeTo(OutputStream out, LengthEncoding lengthEncoding) throws IOException {
		out.write(header(lengthEncoding));
		if (this.maskKey == null) {
			out.write(this.payload);
			return;
		}
		byte[] chunk = new byte[Math.min(WRITE_CHUNK, this.payload.length)];
		for (int offset = 0; offset < this.payload.length; offset += chunk.length) {
			int n = Math.min(chunk.length, this.payload.length - offset);
			for (int i = 0; i < n; i++) {
				chunk[i] = (byte) (this.payload[offset + i] ^ this.maskKey[(offset + i) & 3]);
			}
			out.write(chunk, 0, n);
		}
	}

	private byte[] header(LengthEncoding lengthEncoding) {
		ByteBuffer header = ByteBuffer.allocate(14);
		header.put((byte) ((this.fin ? 0x80 : 0) | (this.rsv1 ? 0x40 : 0) | (this.rsv2 ? 0x20 : 0)
				| (this.rsv3 ? 0x10 : 0) | this.opcode));
		int maskBit = this.maskKey != null ? 0x80 : 0;
		long length = this.payload.length;
		if (lengthEncoding == LengthEncoding.MINIMAL && length <= 125) {
			header.put((byte) (maskBit | length));
		}
		else if (lengthEncoding != LengthEncoding.EXTENDED_64 && length <= 0xFFFF) {
			header.put((byte) (maskBit | 126)).putShort((short) length);
		}
		else {
			header.put((byte) (maskBit | 127)).putLong(length);
		}
		if (this.maskKey != null) {
			header.put(this.maskKey);
		}
		return Arrays.copyOf(header.array(), header.position());
	}

	static String strictUtf8(byte[] bytes) {
		try {
			return StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes))
				.toString();
		}
		catch (CharacterCodingException ex) {
			throw new AssertionError("not valid UTF-8: " + RawFrame.hex(bytes, 64), ex);
		}
	}

	static String hex(byte[] bytes, int max) {
		StringBuilder hex = new StringBuilder();
		for (int i = 0; i < Math.min(bytes.length, max); i++) {
			hex.append(String.format("%02x", bytes[i] & 0xFF));
		}
		return bytes.length > max ? hex + "..." : hex.toString();
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof RawFrame that && this.fin == that.fin && this.rsv1 == that.rsv1
				&& this.rsv2 == that.rsv2 && this.rsv3 == that.rsv3 && this.opcode == that.opcode
				&& Arrays.equals(this.maskKey, that.maskKey) && Arrays.equals(this.payload, that.payload);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.fin, this.rsv1, this.rsv2, this.rsv3, this.opcode, Arrays.hashCode(this.maskKey),
				Arrays.hashCode(this.payload));
	}

	/** Reads like a protocol trace: {@code FIN TEXT rsv=000 unmasked 5 B 776f726c64}. */
	@Override
	public String toString() {
		return (this.fin ? "FIN " : "non-FIN ") + opcodeName(this.opcode) + " rsv=" + (this.rsv1 ? 1 : 0)
				+ (this.rsv2 ? 1 : 0) + (this.rsv3 ? 1 : 0) + (this.maskKey != null ? " masked " : " unmasked ")
				+ this.payload.length + " B " + hex(this.payload, 32);
	}

	public static String opcodeName(int opcode) {
		return switch (opcode) {
			case CONTINUATION -> "CONTINUATION";
			case TEXT -> "TEXT";
			case BINARY -> "BINARY";
			case CLOSE -> "CLOSE";
			case PING -> "PING";
			case PONG -> "PONG";
			default -> String.format("opcode 0x%X", opcode);
		};
	}

	/**
	 * A close frame's content.
	 * @param code the status code, or 1005 when the frame had no payload
	 * @param reason the reason, decoded strictly as UTF-8
	 */
	public record Close(int code, String reason) {

		/** RFC 6455 7.1.5: the code a close frame without a payload is considered to carry. */
		public static final int NO_STATUS_RECEIVED = 1005;

		static Close decode(byte[] payload) {
			if (payload.length == 0) {
				return new Close(NO_STATUS_RECEIVED, "");
			}
			if (payload.length == 1) {
				throw new AssertionError("a close payload is empty or starts with a 2-byte code; got 1 byte: "
						+ hex(payload, 1));
			}
			int code = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
			return new Close(code, strictUtf8(Arrays.copyOfRange(payload, 2, payload.length)));
		}

	}

}
