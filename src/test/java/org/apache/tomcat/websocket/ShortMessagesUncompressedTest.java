package org.apache.tomcat.websocket;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.apache.tomcat.websocket.ServerDeflate.bytes;
import static org.apache.tomcat.websocket.ServerDeflate.serverSide;
import static org.apache.tomcat.websocket.ServerDeflate.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * wsdeck's copy of PerMessageDeflate sends a whole message shorter than the size its handshake set as it is: same
 * bytes, RSV1 clear, which RFC 7692 (6) allows message by message. A message sent in parts is decided by its first
 * part and compressed whole, since RSV1 marks the message on its first frame only.
 */
class ShortMessagesUncompressedTest {

	private static final int MIN_SIZE = 1024;

	private static final int RSV1 = 0b100;

	private static final byte[] SHORT = filled(MIN_SIZE - 1);

	private static final byte[] LONG = filled(MIN_SIZE);

	@Test
	void sendsAWholeMessageShorterThanTheMinimumAsItIs() throws IOException {
		Transformation deflate = negotiated(MIN_SIZE);

		MessagePart part = single(deflate.sendMessagePart(text(SHORT)));

		assertThat(part.getRsv()).as("RSV1").isZero();
		assertThat(bytes(part)).isEqualTo(SHORT);
	}

	@Test
	void compressesAWholeMessageOfTheMinimumAndLonger() throws IOException {
		Transformation deflate = negotiated(MIN_SIZE);

		MessagePart part = single(deflate.sendMessagePart(text(LONG)));

		assertThat(part.getRsv()).as("RSV1").isEqualTo(RSV1);
		assertThat(bytes(part).length).isLessThan(LONG.length);
	}

	@Test
	void compressesAMessageSentInPartsEvenWhenItsPartsAreShort() throws IOException {
		Transformation deflate = negotiated(MIN_SIZE);

		List<MessagePart> frames = new ArrayList<>(deflate.sendMessagePart(part(false, SHORT)));
		frames.addAll(deflate.sendMessagePart(part(true, SHORT)));

		assertThat(frames).as("the message's frames").isNotEmpty();
		assertThat(frames.get(0).getRsv()).as("RSV1 on the message's first frame").isEqualTo(RSV1);
		assertThat(frames.subList(1, frames.size())).as("RSV1 on any later frame")
			.allSatisfy(frame -> assertThat(frame.getRsv()).isZero());
		assertThat(frames.stream().mapToInt(frame -> frame.getPayload().remaining()).sum())
			.as("compressed bytes of the message").isLessThan(SHORT.length);
		assertThat(bytes(single(deflate.sendMessagePart(text(SHORT))))).as("the next, whole, short message")
			.isEqualTo(SHORT);
	}

	@Test
	void compressesEveryMessageOutsideWsdecksHandshake() throws IOException {
		Transformation deflate = serverSide(false);

		assertThat(single(deflate.sendMessagePart(text(SHORT))).getRsv()).as("RSV1").isEqualTo(RSV1);
	}

	/** A server-side transformation built as wsdeck's handshake builds it. */
	private static Transformation negotiated(int minSize) {
		Transformation[] built = new Transformation[1];
		PerMessageDeflate.negotiateWith(minSize, () -> built[0] = serverSide(false));
		return built[0];
	}

	private static List<MessagePart> part(boolean fin, byte[] payload) {
		return ServerDeflate.part(fin, Constants.OPCODE_TEXT, ByteBuffer.wrap(payload));
	}

	private static MessagePart single(List<MessagePart> parts) {
		assertThat(parts).hasSize(1);
		return parts.get(0);
	}

	private static byte[] filled(int length) {
		byte[] bytes = new byte[length];
		Arrays.fill(bytes, (byte) 'a');
		return bytes;
	}

}
