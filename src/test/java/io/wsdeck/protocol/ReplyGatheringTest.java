package io.wsdeck.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.wsdeck.push.Broadcaster;
import io.wsdeck.support.RawFrame;
import io.wsdeck.support.RawWebSocket;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The replies to what one read brought leave in one write (the {@code wsdeck:} change in Tomcat's
 * WsRemoteEndpointImplBase), in the order of the messages, with anything that may not wait (a large message, a
 * close) written after the replies gathered before it; a close in the same write as them.
 */
class ReplyGatheringTest extends WireTest {

	private static final int MESSAGES = 20;

	@Autowired
	Broadcaster broadcaster;

	@Test
	void echoesOfOneReadArriveInOneWrite() throws IOException {
		try (RawWebSocket ws = open("/ws/echo")) {
			InputStream in = ws.socket().getInputStream(); // /ws/echo sends nothing first: no byte is buffered
			for (int round = 0; round < 10; round++) {
				List<RawFrame> frames = new ArrayList<>();
				int expectedBytes = 0;
				for (int i = 0; i < MESSAGES; i++) {
					String text = "round " + round + " message " + i;
					frames.add(RawFrame.text(text));
					expectedBytes += 2 + text.length();
				}
				ws.send(frames); // one write, so one read on the server

				// On loopback one write arrives whole: the first read gets all of it, or only the first echoes
				// when each echo was written on its own.
				byte[] buffer = new byte[64 * 1024];
				int read = in.read(buffer);
				assertThat(read).as("bytes of the first read, round %d", round).isEqualTo(expectedBytes);
				assertThat(texts(Arrays.copyOf(buffer, read))).as("echoes in order")
					.containsExactlyElementsOf(frames.stream().map(ReplyGatheringTest::text).toList());
			}
		}
	}

	@Test
	void aLargeMessageAndAPongKeepTheirPlaceAmongGatheredReplies() throws IOException {
		byte[] large = new byte[100_000];
		Arrays.fill(large, (byte) 7);
		try (RawWebSocket ws = open("/ws/echo")) {
			ws.sendInBackground(List.of(RawFrame.text("before"), RawFrame.ping("p".getBytes(StandardCharsets.UTF_8)),
					RawFrame.binary(large), RawFrame.text("after"))).join();

			assertThat(ws.readText()).isEqualTo("before");
			RawFrame pong = ws.readFrame();
			assertThat(pong.opcode()).isEqualTo(RawFrame.PONG);
			assertThat(ws.readMessage().payload()).isEqualTo(large);
			assertThat(ws.readText()).isEqualTo("after");
		}
	}

	@Test
	void aCloseInTheSameReadFollowsTheRepliesGatheredBeforeIt() throws IOException {
		try (RawWebSocket ws = open("/ws/echo")) {
			ws.send(RawFrame.text("one"), RawFrame.text("two"), RawFrame.close(1000, "done"));

			assertThat(ws.readText()).isEqualTo("one");
			assertThat(ws.readText()).isEqualTo("two");
			assertThat(ws.readClose().code()).isEqualTo(1000);
			assertThat(ws.awaitEndOfStream(TCP_CLOSE)).isTrue();
		}
	}

	@Test
	void aCloseInTheSameReadLeavesInTheWriteOfTheRepliesBeforeIt() throws IOException {
		try (RawWebSocket ws = open("/ws/echo")) {
			InputStream in = ws.socket().getInputStream();
			ws.send(RawFrame.text("one"), RawFrame.text("two"), RawFrame.close(1000, "done"));

			// Written on its own, the close frame would be missing from the first read (see the first test).
			byte[] buffer = new byte[1024];
			int read = in.read(buffer);
			byte[] echoesThenClose = { (byte) 0x81, 3, 'o', 'n', 'e', (byte) 0x81, 3, 't', 'w', 'o', (byte) 0x88, 6, 0x03,
					(byte) 0xE8, 'd', 'o', 'n', 'e' };
			assertThat(Arrays.copyOf(buffer, read)).as("the first read").isEqualTo(echoesThenClose);
			assertThat(ws.awaitEndOfStream(TCP_CLOSE)).isTrue();
		}
	}

	@Test
	void aCloseAfterMoreThanTheBufferHoldsFollowsEveryEcho() throws IOException {
		try (RawWebSocket ws = open("/ws/echo")) {
			List<RawFrame> frames = new ArrayList<>();
			for (int i = 0; i < 7; i++) {
				frames.add(RawFrame.text(i + "x".repeat(3_000))); // gathered, 21 KB: the output buffer fills twice
			}
			frames.add(RawFrame.close(1000, "done"));
			ws.send(frames);

			for (int i = 0; i < 7; i++) {
				assertThat(ws.readText()).isEqualTo(i + "x".repeat(3_000));
			}
			assertThat(ws.readClose().code()).isEqualTo(1000);
			assertThat(ws.awaitEndOfStream(TCP_CLOSE)).isTrue();
		}
	}

	private static String text(RawFrame frame) {
		return new String(frame.payload(), StandardCharsets.UTF_8);
	}

	@Test
	void pushesOfSeveralFramesHaveNoGatheredReplyInsideThem() throws IOException {
		int batches = 25;
		int pushes = 30;
		try (RawWebSocket ws = openGreeted("/ws/text")) {
			// Pushes of 20,000 characters go out in three frames each, from push-sender threads, while the reading
			// thread gathers echoes and pongs: between a push's frames only control frames may appear (RFC 6455 5.4).
			CompletableFuture<Void> pushing = CompletableFuture.runAsync(() -> {
				for (int i = 0; i < pushes; i++) {
					this.broadcaster.broadcast(i + ":" + "p".repeat(20_000));
				}
			});
			for (int batch = 0; batch < batches; batch++) {
				List<RawFrame> frames = new ArrayList<>();
				for (int i = 0; i < 10; i++) {
					frames.add(RawFrame.text("echo " + (batch * 10 + i)));
				}
				frames.add(RawFrame.ping(("ping " + batch).getBytes(StandardCharsets.UTF_8)));
				ws.send(frames);
			}
			pushing.join();

			int echoes = 0;
			int pongs = 0;
			int pushesSeen = 0;
			StringBuilder open = null; // the fragmented message being received, if any
			while (echoes < batches * 10 || pongs < batches || pushesSeen < pushes) {
				RawFrame frame = ws.readFrame();
				switch (frame.opcode()) {
					case RawFrame.PONG -> assertThat(text(frame)).isEqualTo("ping " + pongs++);
					case RawFrame.CONTINUATION -> {
						assertThat(open).as("a continuation frame outside a fragmented message").isNotNull();
						open.append(text(frame));
					}
					case RawFrame.TEXT -> {
						assertThat(open).as("a new message inside a fragmented one: %s", text(frame)).isNull();
						open = new StringBuilder(text(frame));
					}
					default -> throw new AssertionError("unexpected frame " + frame);
				}
				if (open != null && frame.fin() && frame.opcode() != RawFrame.PONG) {
					String message = open.toString();
					open = null;
					if (message.startsWith("echo ")) {
						assertThat(message).isEqualTo("echo " + echoes++);
					}
					else {
						assertThat(message).isEqualTo(pushesSeen++ + ":" + "p".repeat(20_000));
					}
				}
			}
		}
	}

	/** The payloads of the unmasked, unfragmented short text frames in {@code bytes}. */
	private static List<String> texts(byte[] bytes) {
		List<String> texts = new ArrayList<>();
		int at = 0;
		while (at < bytes.length) {
			assertThat(bytes[at] & 0xFF).as("FIN and text opcode").isEqualTo(0x81);
			int length = bytes[at + 1] & 0x7F;
			assertThat(length).as("a short payload, unmasked").isLessThan(126);
			texts.add(new String(bytes, at + 2, length, StandardCharsets.UTF_8));
			at += 2 + length;
		}
		return texts;
	}

}
