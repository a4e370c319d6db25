package org.apache.tomcat.websocket;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.stream.IntStream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.apache.tomcat.websocket.ServerDeflate.serverSide;
import static org.apache.tomcat.websocket.ServerDeflate.text;
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

	private static void compress(Transformation deflate, int messages) {
		try {
			for (int i = 0; i < messages; i++) {
				assertThat(deflate.sendMessagePart(text(TICKS[i % TICKS.length]))).hasSize(1);
			}
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
