package io.wsdeck.support;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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

	private static String header(byte[] frame, int length) {
		return HEX.formatHex(frame, 0, length);
	}

}
