package org.apache.tomcat.websocket;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.apache.tomcat.websocket.ServerDeflate.bytes;
import static org.apache.tomcat.websocket.ServerDeflate.inflate;
import static org.apache.tomcat.websocket.ServerDeflate.serverSide;
import static org.apache.tomcat.websocket.ServerDeflate.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * wsdeck's copy of PerMessageDeflate compresses a message broadcast to several sessions, one after another, once:
 * a compressor that starts afresh turns the same bytes into the same compressed bytes. These show that what the
 * later sessions send is what they would have compressed themselves, that a session never gets the compressed
 * bytes of a different message, and that nothing is shared where compressors keep their windows or outside
 * {@link PerMessageDeflate#sendShared} (an echo must not be able to tell, by its timing, that another session has
 * just been sent the same message).
 */
class SharedCompressionTest {

	private static final byte[] BROADCAST = "{\"type\":\"broadcast\",\"text\":\"hello, everyone\"}"
		.getBytes(StandardCharsets.UTF_8);

	private static final byte[] OTHER = "{\"type\":\"broadcast\",\"text\":\"hello, everyone!\"}"
		.getBytes(StandardCharsets.UTF_8);

	@Test
	void sessionsThatSendTheSameMessageSendTheSameCompressedBytes() throws Exception {
		Transformation first = serverSide(false);
		Transformation second = serverSide(false);

		MessagePart sent = compressShared(first, BROADCAST);
		long sharedBefore = PerMessageDeflate.sharedCompressions();
		MessagePart shared = compressShared(second, BROADCAST);

		assertThat(PerMessageDeflate.sharedCompressions() - sharedBefore).as("sends that shared").isEqualTo(1);

		assertThat(bytes(shared)).isEqualTo(bytes(sent));
		assertThat(shared.getRsv()).as("RSV1 marks the frame compressed").isEqualTo(0b100);
		assertThat(inflate(bytes(shared))).isEqualTo(BROADCAST);
		assertThat(inflate(bytes(compressShared(second, OTHER)))).as("a different message").isEqualTo(OTHER);
		assertThat(inflate(bytes(compressShared(first, BROADCAST)))).as("the first message again")
			.isEqualTo(BROADCAST);
	}

	@Test
	void aMessageOfTheWholeBufferIsSharedToo() throws Exception {
		byte[] message = new byte[Constants.DEFAULT_BUFFER_SIZE];
		for (int i = 0; i < message.length; i++) {
			message[i] = (byte) ('a' + (i * 7 + i / 13) % 26);
		}
		Transformation first = serverSide(false);
		Transformation second = serverSide(false);

		MessagePart sent = compressShared(first, message);
		long sharedBefore = PerMessageDeflate.sharedCompressions();
		MessagePart shared = compressShared(second, message);

		assertThat(PerMessageDeflate.sharedCompressions() - sharedBefore).as("sends that shared").isEqualTo(1);
		assertThat(bytes(shared)).isEqualTo(bytes(sent));
		assertThat(inflate(bytes(shared))).isEqualTo(message);
	}

	@Test
	void sendsOutsideABroadcastCompressThemselves() throws Exception {
		Transformation broadcasting = serverSide(false);
		Transformation echoing = serverSide(false);
		compressShared(broadcasting, BROADCAST);
		long sharedBefore = PerMessageDeflate.sharedCompressions();

		assertThat(inflate(bytes(compress(echoing, BROADCAST)))).isEqualTo(BROADCAST);
		assertThat(PerMessageDeflate.sharedCompressions() - sharedBefore).as("sends that shared").isZero();
	}

	@Test
	void sessionsThatKeepTheirWindowsCompressEachMessageThemselves() throws Exception {
		Transformation session = serverSide(true);

		byte[] first = bytes(compressShared(session, BROADCAST));
		byte[] again = bytes(compressShared(session, BROADCAST));

		assertThat(again).as("the repeat refers back into the message before").isNotEqualTo(first).hasSizeLessThan(
				first.length);
	}

	private static MessagePart compressShared(Transformation deflate, byte[] message) throws IOException {
		MessagePart[] compressed = new MessagePart[1];
		PerMessageDeflate.sendShared(() -> compressed[0] = compress(deflate, message));
		return compressed[0];
	}

	private static MessagePart compress(Transformation deflate, byte[] message) throws IOException {
		List<MessagePart> compressed = deflate.sendMessagePart(text(message));
		assertThat(compressed).hasSize(1);
		return compressed.get(0);
	}

}
