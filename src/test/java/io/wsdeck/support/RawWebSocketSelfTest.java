package io.wsdeck.support;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The raw client against the RFC's own worked examples, so a wire test that fails points at the server, not at
 * its helper.
 */
class RawWebSocketSelfTest {

	private static final HexFormat HEX = HexFormat.of();

	@Test
	void computesTheAcceptOfRfc6455Section1_3() {
		assertThat(RawWebSocket.computeAccept("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
	}

	/** RFC 6455 5.7: "Hello" unmasked, then masked with 37 fa 21 3d. */
	@Test
	void encodesTheFramesOfRfc6455Section5_7() {
		RawFrame hello = RawFrame.text("Hello");

		assertThat(hello.unmasked().encode()).isEqualTo(HEX.parseHex("810548656c6c6f"));
		assertThat(hello.maskedWith(HEX.parseHex("37fa213d")).encode())
			.isEqualTo(HEX.parseHex("818537fa213d7f9f4d5158"));
	}

	@Test
	void writesEachLengthFormAndForcesLongerOnesOnRequest() {
		assertThat(header(RawFrame.binary(new byte[125]).unmasked().encode(), 2)).isEqualTo("827d");
		assertThat(header(RawFrame.binary(new byte[256]).unmasked().encode(), 4)).isEqualTo("827e0100");
		assertThat(header(RawFrame.binary(new byte[65536]).unmasked().encode(), 10)).isEqualTo("827f0000000000010000");
		assertThat(header(RawFrame.binary(new byte[5]).unmasked().encode(RawFrame.LengthEncoding.EXTENDED_16), 4))
			.isEqualTo("827e0005");
		assertThat(header(RawFrame.binary(new byte[5]).unmasked().encode(RawFrame.LengthEncoding.EXTENDED_64), 10))
			.isEqualTo("827f0000000000000005");
	}

	@Test
	void setsEveryHeaderBitAsAsked() {
		RawFrame odd = RawFrame.of(0xB, new byte[0]).withFin(false).withRsv1(true).withRsv2(true).withRsv3(true)
			.unmasked();

		assertThat(header(odd.encode(), 2)).isEqualTo("7b00");
	}

	@Test
	void fragmentsAMessageIntoContinuationsWithFinOnTheLastOnly() {
		byte[] payload = "0123456789ab".getBytes(StandardCharsets.US_ASCII);

		List<RawFrame> frames = RawFrame.fragments(RawFrame.TEXT, payload, 5);

		assertThat(frames).extracting(RawFrame::opcode).containsExactly(RawFrame.TEXT, RawFrame.CONTINUATION,
				RawFrame.CONTINUATION, RawFrame.CONTINUATION, RawFrame.CONTINUATION);
		assertThat(frames).extracting(RawFrame::fin).containsExactly(false, false, false, false, true);
		assertThat(frames).allMatch(RawFrame::masked);
		assertThat(String.join("", frames.stream().map(RawFrame::text).toList())).isEqualTo("0123456789ab");
	}

	@Test
	void buildsAndDecodesACloseFrame() {
		RawFrame close = RawFrame.close(1003, "no binary here");

		assertThat(close.payload()).startsWith(0x03, 0xEB);
		assertThat(close.close()).isEqualTo(new RawFrame.Close(1003, "no binary here"));
		assertThat(RawFrame.of(RawFrame.CLOSE, new byte[0]).close().code()).isEqualTo(1005);
	}

	@Test
	void parsesAResponseByContentLengthAndChunksLeavingTheStreamAtTheFirstFrame() throws IOException {
		ByteArrayInputStream wire = new ByteArrayInputStream(("HTTP/1.1 426 \r\ncontent-length: 3\r\n"
				+ "Sec-WebSocket-Version: 13\r\n\r\nwhyHTTP/1.1 400 \r\nTransfer-Encoding: chunked\r\n\r\n"
				+ "2\r\nno\r\n1\r\n!\r\n0\r\n\r\n\u0081").getBytes(StandardCharsets.ISO_8859_1));

		RawHttpResponse first = RawHttpResponse.read(wire, "GET");
		RawHttpResponse second = RawHttpResponse.read(wire, "GET");

		assertThat(first.status()).isEqualTo(426);
		assertThat(first.header("sec-websocket-version")).isEqualTo("13");
		assertThat(first.bodyText()).isEqualTo("why");
		assertThat(second.bodyText()).isEqualTo("no!");
		assertThat(wire.read()).isEqualTo(0x81);
	}

	@Test
	void readsNoBodyAfterAHeadRequestWhateverItsContentLength() throws IOException {
		ByteArrayInputStream wire = new ByteArrayInputStream(
				"HTTP/1.1 405 \r\nContent-Length: 50\r\n\r\nHTTP/1.1 400 \r\n".getBytes(StandardCharsets.ISO_8859_1));

		assertThat(RawHttpResponse.read(wire, "HEAD").body()).isEmpty();
		assertThat(wire.readAllBytes()).asString(StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 400");
	}

	/** RFC 7692 7.2.3.1: "Hello" in one compressed frame, the sync flush's 00 00 ff ff left off. */
	@Test
	void compressesHelloAsRfc7692Section7_2_3_1() {
		try (RawDeflate deflate = RawDeflate.withContextTakeover()) {
			RawFrame frame = deflate.frame(RawFrame.TEXT, "Hello".getBytes(StandardCharsets.US_ASCII)).unmasked();

			assertThat(frame.encode()).isEqualTo(HEX.parseHex("c107f248cdc9c90700"));
		}
	}

	/** RFC 7692 7.2.3.2: the second "Hello" refers back into the first one's window. */
	@Test
	void inflatesASecondMessageFromTheSharedWindowOfRfc7692Section7_2_3_2() {
		try (RawDeflate deflate = RawDeflate.withContextTakeover()) {
			assertThat(deflate.decompress(HEX.parseHex("f248cdc9c90700"))).asString().isEqualTo("Hello");
			assertThat(deflate.decompress(HEX.parseHex("f200110000"))).asString().isEqualTo("Hello");
		}
	}

	/** RFC 7692 7.2.3.3 and 7.2.3.4: a stored (uncompressed) block, and a block with BFINAL set. */
	@Test
	void inflatesTheStoredAndFinalBlocksOfRfc7692Section7_2_3() {
		try (RawDeflate deflate = RawDeflate.withContextTakeover()) {
			assertThat(deflate.decompress(HEX.parseHex("000500faff48656c6c6f00"))).asString().isEqualTo("Hello");
			assertThat(deflate.decompress(HEX.parseHex("f348cdc9c90700"))).asString().isEqualTo("Hello");
			assertThat(deflate.decompress(HEX.parseHex("f248cdc9c90700"))).asString().isEqualTo("Hello");
		}
	}

	@Test
	void roundTripsLargeMessagesThroughOneSharedWindowAndSetsRsv1OnTheFirstFragmentOnly() {
		byte[] message = Payloads.randomText(100_000, 7).getBytes(StandardCharsets.UTF_8);
		try (RawDeflate sender = RawDeflate.withContextTakeover(); RawDeflate receiver = RawDeflate.withContextTakeover()) {
			for (int i = 0; i < 3; i++) {
				List<RawFrame> frames = sender.fragments(RawFrame.BINARY, message, 4);

				assertThat(frames).extracting(RawFrame::rsv1).containsExactly(true, false, false, false);
				byte[] compressed = frames.stream().map(RawFrame::payload).reduce(new byte[0], RawWebSocketSelfTest::concat);
				assertThat(receiver.decompress(compressed)).isEqualTo(message);
			}
		}
	}

	@Test
	void readsTheAcceptedDeflateParametersFromTheResponse() throws IOException {
		ByteArrayInputStream wire = new ByteArrayInputStream(("HTTP/1.1 101 \r\nSec-WebSocket-Extensions: "
				+ "permessage-deflate; server_no_context_takeover;client_max_window_bits=15\r\n\r\n"
				+ "HTTP/1.1 101 \r\nSec-WebSocket-Extensions: x-other\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));

		assertThat(RawDeflate.acceptedParameters(RawHttpResponse.read(wire, "GET")))
			.contains(List.of("server_no_context_takeover", "client_max_window_bits=15"));
		assertThat(RawDeflate.acceptedParameters(RawHttpResponse.read(wire, "GET"))).isEmpty();
	}

	private static byte[] concat(byte[] first, byte[] second) {
		byte[] both = Arrays.copyOf(first, first.length + second.length);
		System.arraycopy(second, 0, both, first.length, second.length);
		return both;
	}

	private static String header(byte[] frame, int length) {
		return HEX.formatHex(frame, 0, length);
	}

}
