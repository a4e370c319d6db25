package org.apache.tomcat.websocket;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import jakarta.websocket.Extension;
import jakarta.websocket.SendHandler;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What wsdeck's copy of PerMessageDeflate allocates to compress a small message on the server side. Tomcat's left a
 * new 8 KiB buffer behind for every message (this test measured 8,811-8,838 bytes per 104-byte message with it);
 * the copy sends a copy of the compressed bytes and keeps the buffer with the compressor (646-711 bytes). Counted
 * with the JVM's per-thread allocation counter, so the figure does not depend on the machine's speed; it is
 * printed for the README.
 */
class PerMessageDeflateAllocationTest {

	private static final int MESSAGES = 20_000;

	/** 104-byte ticks, each different from the one before, so none is sent as compressed before. */
	private static final byte[][] TICKS = IntStream.range(10_000, 10_100)
		.mapToObj((seq) -> ("{\"type\":\"tick\",\"seq\":" + seq + ",\"at\":\"2026-11-26T00:00:00Z\",\"pad\":\""
				+ "x".repeat(40) + "\"}").getBytes(StandardCharsets.UTF_8))
		.toArray(byte[][]::new);

	@ParameterizedTest(name = "context takeover: {0}")
	@ValueSource(booleans = { false, true })
	void aSmallCompressedMessageAllocatesLittleMoreThanItsCompressedBytes(boolean contextTakeover) {
		Transformation deflate = serverSide(contextTakeover);
		compress(deflate, MESSAGES); // class loading and the first buffers are not the steady state

		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory
			.getThreadMXBean();
		long before = threads.getCurrentThreadAllocatedBytes();
		compress(deflate, MESSAGES);
		long perMessage = (threads.getCurrentThreadAllocatedBytes() - before) / MESSAGES;
		deflate.close();

		System.out.printf("PerMessageDeflate, context takeover %s: %d B allocated per %d-byte message%n",
				contextTakeover, perMessage, TICKS[0].length);
		// This loop's own list, part and buffer wrapper are about 150 B of it.
		assertThat(perMessage).as("bytes allocated per compressed message").isLessThan(1_536);
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

	private static void compress(Transformation deflate, int messages) {
		SendHandler ignored = (result) -> {
		};
		try {
			for (int i = 0; i < messages; i++) {
				List<MessagePart> parts = new ArrayList<>(1);
				parts.add(new MessagePart(true, 0, Constants.OPCODE_TEXT, ByteBuffer.wrap(TICKS[i % TICKS.length]),
						ignored, ignored, -1));
				assertThat(deflate.sendMessagePart(parts)).hasSize(1);
			}
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
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
