package org.apache.tomcat.websocket;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.apache.tomcat.websocket.ServerDeflate.bytes;
import static org.apache.tomcat.websocket.ServerDeflate.inflate;
import static org.apache.tomcat.websocket.ServerDeflate.serverSide;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * wsdeck's copy of PerMessageDeflate sends the rest of a long message that is not compressing in stored blocks
 * (level 0), and compresses the next message again. Messages go in 8 KiB parts, as wsdeck's echo sends the
 * fragments of a long message; what comes out must inflate back to what went in.
 */
class IncompressibleMessagesStoredTest {

	private static final int PART = 8 * 1024;

	@Test
	void storesTheRestOfARandomMessageAndCompressesTheNextMessageAgain() throws Exception {
		Transformation deflate = serverSide(false);
		byte[] random = new byte[1024 * 1024];
		new Random(7).nextBytes(random);
		byte[] text = text(256 * 1024);
		long storedBefore = PerMessageDeflate.storedMessages();

		byte[] sentRandom = send(deflate, random);
		long stored = PerMessageDeflate.storedMessages() - storedBefore;
		byte[] sentText = send(deflate, text);

		assertThat(stored).as("messages stored").isEqualTo(1);
		assertThat(PerMessageDeflate.storedMessages() - storedBefore).as("messages stored after the text").isEqualTo(1);
		assertThat(inflate(sentRandom)).isEqualTo(random);
		assertThat(inflate(sentText)).isEqualTo(text);
		assertThat(sentText.length).as("compressed size of the text after the random message")
			.isLessThan(text.length / 4);
	}

	@Test
	void compressesALongMessageThatCompresses() throws Exception {
		Transformation deflate = serverSide(false);
		byte[] text = text(1024 * 1024);
		long storedBefore = PerMessageDeflate.storedMessages();

		byte[] sent = send(deflate, text);

		assertThat(PerMessageDeflate.storedMessages() - storedBefore).as("messages stored").isZero();
		assertThat(sent.length).isLessThan(text.length / 4);
		assertThat(inflate(sent)).isEqualTo(text);
	}

	@Test
	void keepsCompressingWhereTheCompressorKeepsItsWindow() throws Exception {
		Transformation deflate = serverSide(true);
		byte[] random = new byte[512 * 1024];
		new Random(8).nextBytes(random);
		long storedBefore = PerMessageDeflate.storedMessages();

		send(deflate, random);

		assertThat(PerMessageDeflate.storedMessages() - storedBefore).as("messages stored").isZero();
	}

	/** Sends {@code message} in 8 KiB parts; returns the compressed message's bytes as they would go out. */
	private static byte[] send(Transformation deflate, byte[] message) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (int at = 0; at < message.length; at += PART) {
			int length = Math.min(PART, message.length - at);
			for (MessagePart part : deflate.sendMessagePart(ServerDeflate.part(at + length == message.length,
					Constants.OPCODE_BINARY, ByteBuffer.wrap(message, at, length)))) {
				out.write(bytes(part));
			}
		}
		return out.toByteArray();
	}

	/** Text that compresses as JSON does. */
	private static byte[] text(int length) {
		StringBuilder text = new StringBuilder(length + 64);
		Random random = new Random(length);
		while (text.length() < length) {
			text.append("{\"id\":").append(random.nextInt(1_000_000)).append(",\"name\":\"user")
				.append(random.nextInt(5_000)).append("\"},");
		}
		return Arrays.copyOf(text.toString().getBytes(StandardCharsets.US_ASCII), length);
	}

}
