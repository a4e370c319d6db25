package org.apache.tomcat.websocket;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import jakarta.websocket.Extension;
import jakarta.websocket.SendHandler;

/**
 * A server's PerMessageDeflate as the tests drive it: built as negotiated, fed message parts, and what it sends
 * inflated again as a client would.
 */
final class ServerDeflate {

	private static final SendHandler IGNORED = (result) -> {
	};

	private ServerDeflate() {
	}

	/** A server's PerMessageDeflate as negotiated by default, or with context takeover, ending in {@link Sent}. */
	static Transformation serverSide(boolean contextTakeover) {
		List<Extension.Parameter> parameters = contextTakeover ? List.of()
				: List.of(new WsExtensionParameter("server_no_context_takeover", null),
						new WsExtensionParameter("client_no_context_takeover", null));
		Transformation deflate = PerMessageDeflate.BUILDER.build(List.of(parameters), true);
		deflate.setNext(new Sent());
		return deflate;
	}

	/** One part of a message, as a list {@link Transformation#sendMessagePart} takes; the last part if {@code fin}. */
	static List<MessagePart> part(boolean fin, byte opcode, ByteBuffer payload) {
		List<MessagePart> parts = new ArrayList<>(1);
		parts.add(new MessagePart(fin, 0, opcode, payload, IGNORED, IGNORED, -1));
		return parts;
	}

	/** A whole text message in one part. */
	static List<MessagePart> text(byte[] message) {
		return part(true, Constants.OPCODE_TEXT, ByteBuffer.wrap(message));
	}

	/** The payload of a part as it would be written, without consuming it. */
	static byte[] bytes(MessagePart part) {
		ByteBuffer payload = part.getPayload().duplicate();
		byte[] bytes = new byte[payload.remaining()];
		payload.get(bytes);
		return bytes;
	}

	/** RFC 7692 7.2.2, a client's side: the message's compressed bytes with 0x00 0x00 0xff 0xff appended, inflated. */
	static byte[] inflate(byte[] compressed) throws DataFormatException {
		Inflater inflater = new Inflater(true);
		try {
			byte[] input = Arrays.copyOf(compressed, compressed.length + 4);
			input[compressed.length + 2] = (byte) 0xff;
			input[compressed.length + 3] = (byte) 0xff;
			inflater.setInput(input);
			ByteArrayOutputStream message = new ByteArrayOutputStream();
			byte[] buffer = new byte[64 * 1024];
			while (!inflater.needsInput()) {
				message.write(buffer, 0, inflater.inflate(buffer));
			}
			return message.toByteArray();
		}
		finally {
			inflater.end();
		}
	}

	/** The end of the chain: the compressed parts as they would be written. */
	static final class Sent implements Transformation {

		@Override
		public List<MessagePart> sendMessagePart(List<MessagePart> messageParts) {
			return messageParts;
		}

		@Override
		public TransformationResult getMoreData(byte opCode, boolean fin, int rsv, ByteBuffer dest) {
			return TransformationResult.END_OF_FRAME;
		}

		@Override
		public boolean validateRsv(int rsv, byte opCode) {
			return true;
		}

		@Override
		public boolean validateRsvBits(int i) {
			return true;
		}

		@Override
		public Extension getExtensionResponse() {
			return null;
		}

		@Override
		public void setNext(Transformation t) {
		}

		@Override
		public void close() {
		}

	}

}
