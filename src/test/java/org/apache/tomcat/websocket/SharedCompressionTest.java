package org.apache.tomcat.websocket;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.DataFormatException;

import org.junit.jupiter.api.Test;

import static org.apache.tomcat.websocket.ServerDeflate.bytes;
import static org.apache.tomcat.websocket.ServerDeflate.inflate;
import static org.apache.tomcat.websocket.ServerDeflate.part;
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

	/** Tomcat's buffer size, in whose parts it hands a long message over. */
	private static final int PART = Constants.DEFAULT_BUFFER_SIZE;

	private static final byte[] OTHER = "{\"type\":\"broadcast\",\"text\":\"hello, everyone!\"}"
		.getBytes(StandardCharsets.UTF_8);

	@Test
	void sessionsThatSendTheSameMessageSendTheSameCompressedBytes() throws Exception {
		Transformation first = serverSide(false);
		Transformation second = serverSide(false);

		MessagePart shared = assertSecondSendShares(first, second, BROADCAST);

		assertThat(shared.getRsv()).as("RSV1 marks the frame compressed").isEqualTo(0b100);
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
		assertSecondSendShares(serverSide(false), serverSide(false), message);
	}

	/** The second session's send of the message shares the first's compression: the same bytes, sent once more. */
	private static MessagePart assertSecondSendShares(Transformation first, Transformation second, byte[] message)
			throws Exception {
		MessagePart sent = compressShared(first, message);
		long sharedBefore = PerMessageDeflate.sharedCompressions();
		MessagePart shared = compressShared(second, message);

		assertThat(PerMessageDeflate.sharedCompressions() - sharedBefore).as("sends that shared").isEqualTo(1);
		assertThat(bytes(shared)).isEqualTo(bytes(sent));
		assertThat(inflate(bytes(shared))).isEqualTo(message);
		return shared;
	}

	/**
	 * Tomcat hands a long message over in parts of its buffer size. The session after the first sends nothing until
	 * the last part, then what the first session sent, frame by frame.
	 */
	@Test
	void aBroadcastInManyPartsIsSentAsTheFirstSessionSentIt() throws Exception {
		byte[] message = json(100_000, 1);
		long sharedBefore = PerMessageDeflate.sharedCompressions();

		List<List<MessagePart>> first = sendShared(serverSide(false), message);
		List<List<MessagePart>> second = sendShared(serverSide(false), message);

		assertThat(PerMessageDeflate.sharedCompressions() - sharedBefore).as("sends that shared").isEqualTo(1);
		assertThat(second.subList(0, second.size() - 1)).as("frames before the last part").allSatisfy(
				frames -> assertThat(frames).isEmpty());
		List<MessagePart> firstFrames = first.stream().flatMap(List::stream).toList();
		List<MessagePart> secondFrames = second.get(second.size() - 1);
		assertThat(secondFrames).extracting(ServerDeflate::bytes)
			.containsExactlyElementsOf(firstFrames.stream().map(ServerDeflate::bytes).toList());
		assertThat(secondFrames).extracting(MessagePart::getRsv)
			.containsExactlyElementsOf(firstFrames.stream().map(MessagePart::getRsv).toList());
		assertThat(secondFrames).extracting(MessagePart::isFin)
			.containsExactlyElementsOf(firstFrames.stream().map(MessagePart::isFin).toList());
		assertThat(inflate(joined(secondFrames))).isEqualTo(message);
	}

	/** Two broadcasts that begin alike: the second is compressed from its start once a part differs. */
	@Test
	void aBroadcastThatDiffersAfterItsFirstPartIsCompressedItself() throws Exception {
		byte[] message = json(100_000, 2);
		byte[] other = message.clone();
		other[3 * PART + 5] ^= 1;

		assertCompressedItselfAfter(message, other);
	}

	/** A broadcast that goes on where the one before ended, or ends where it went on, is compressed itself. */
	@Test
	void aBroadcastLongerOrShorterThanTheOneBeforeIsCompressedItself() throws Exception {
		byte[] message = json(5 * PART, 3);
		byte[] longer = json(7 * PART, 3);
		byte[] shorter = java.util.Arrays.copyOf(longer, 3 * PART);
		long sharedBefore = PerMessageDeflate.sharedCompressions();

		sendShared(serverSide(false), message);
		List<List<MessagePart>> sentLonger = sendShared(serverSide(false), longer);
		sendShared(serverSide(false), longer);
		List<List<MessagePart>> sentShorter = sendShared(serverSide(false), shorter);

		assertThat(PerMessageDeflate.sharedCompressions() - sharedBefore).as("sends that shared").isZero();
		assertThat(inflated(sentLonger)).isEqualTo(longer);
		assertThat(inflated(sentShorter)).isEqualTo(shorter);
	}

	@Test
	void aBroadcastLongerThanTheLimitIsNotKept() throws Exception {
		byte[] message = json(1024 * 1024 + 1, 4);

		assertCompressedItselfAfter(message, message);
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

	/** A broadcast of {@code before}, then one of {@code message}: the second shares nothing and inflates to itself. */
	private static void assertCompressedItselfAfter(byte[] before, byte[] message) throws Exception {
		long sharedBefore = PerMessageDeflate.sharedCompressions();

		sendShared(serverSide(false), before);
		List<List<MessagePart>> sent = sendShared(serverSide(false), message);

		assertThat(PerMessageDeflate.sharedCompressions() - sharedBefore).as("sends that shared").isZero();
		assertThat(inflated(sent)).isEqualTo(message);
	}

	/** Sends {@code message} as a broadcast in parts of Tomcat's buffer size; the frames that each part gave. */
	private static List<List<MessagePart>> sendShared(Transformation deflate, byte[] message) throws IOException {
		List<List<MessagePart>> sent = new ArrayList<>();
		PerMessageDeflate.sendShared(() -> {
			for (int at = 0; at < message.length; at += PART) {
				int length = Math.min(PART, message.length - at);
				sent.add(deflate.sendMessagePart(
						part(at + length == message.length, Constants.OPCODE_TEXT, ByteBuffer.wrap(message, at, length))));
			}
		});
		return sent;
	}

	/** The message the frames each part gave inflate to, as a client receives them. */
	private static byte[] inflated(List<List<MessagePart>> sent) throws DataFormatException {
		return inflate(joined(sent.stream().flatMap(List::stream).toList()));
	}

	private static byte[] joined(List<MessagePart> frames) {
		ByteArrayOutputStream joined = new ByteArrayOutputStream();
		frames.forEach(frame -> joined.writeBytes(bytes(frame)));
		return joined.toByteArray();
	}

	/** JSON-like text of {@code length} bytes that compresses, different for each seed. */
	private static byte[] json(int length, long seed) {
		StringBuilder text = new StringBuilder(length + 64);
		Random random = new Random(seed);
		while (text.length() < length) {
			text.append("{\"id\":").append(random.nextInt(1_000_000)).append(",\"name\":\"user")
				.append(random.nextInt(5_000)).append("\"},");
		}
		return text.substring(0, length).getBytes(StandardCharsets.US_ASCII);
	}

	private static MessagePart compress(Transformation deflate, byte[] message) throws IOException {
		List<MessagePart> compressed = deflate.sendMessagePart(text(message));
		assertThat(compressed).hasSize(1);
		return compressed.get(0);
	}

}
