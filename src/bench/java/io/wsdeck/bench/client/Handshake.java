package io.wsdeck.bench.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import io.wsdeck.support.RawUpgradeRequest;
import io.wsdeck.support.RawWebSocket;

/**
 * The client's opening handshake (RFC 6455 4.1): the tests' {@link RawUpgradeRequest}, and the check of the
 * server's 101 answer as it arrives in a non-blocking read, whose {@code Sec-WebSocket-Accept} must be derived from
 * our key.
 */
final class Handshake {

	/** A response head longer than this is not a WebSocket server's answer. */
	private static final int MAX_RESPONSE_HEAD = 16 * 1024;

	private final RawUpgradeRequest request;

	private final byte[] requestBytes;

	/**
	 * @param offerDeflate whether to offer permessage-deflate (RFC 7692), as browsers do
	 */
	Handshake(InetSocketAddress address, String path, boolean offerDeflate) {
		this.request = RawUpgradeRequest.to(path);
		if (offerDeflate) {
			this.request.header("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits");
		}
		this.requestBytes = this.request.toBytes(address.getHostString() + ":" + address.getPort());
	}

	ByteBuffer request() {
		return ByteBuffer.wrap(this.requestBytes);
	}

	/**
	 * Consumes the response head from {@code in} once it is complete.
	 * @return the negotiated {@code Sec-WebSocket-Extensions} ("" for none), or {@code null} while the head is
	 * incomplete (nothing consumed)
	 * @throws IOException if the server refused the upgrade or answered wrongly
	 */
	String accept(ByteBuffer in) throws IOException {
		int end = headEnd(in);
		if (end < 0) {
			if (in.remaining() > MAX_RESPONSE_HEAD) {
				throw new IOException("no end to the response head after " + MAX_RESPONSE_HEAD + " bytes");
			}
			return null;
		}
		byte[] head = new byte[end - in.position()];
		in.get(head);
		String[] lines = new String(head, StandardCharsets.ISO_8859_1).split("\r\n");
		if (!lines[0].startsWith("HTTP/1.1 101")) {
			throw new IOException("handshake refused: " + lines[0]);
		}
		String accept = null;
		String extensions = "";
		for (String line : lines) {
			int colon = line.indexOf(':');
			if (colon > 0) {
				String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
				String value = line.substring(colon + 1).trim();
				if (name.equals("sec-websocket-accept")) {
					accept = value;
				}
				else if (name.equals("sec-websocket-extensions")) {
					extensions = value;
				}
			}
		}
		String expected = RawWebSocket.computeAccept(this.request.key());
		if (!expected.equals(accept)) {
			throw new IOException("Sec-WebSocket-Accept is " + accept + ", expected " + expected);
		}
		return extensions;
	}

	/** The position just after the blank line that ends the head, or -1. */
	private static int headEnd(ByteBuffer in) {
		for (int i = in.position(); i + 3 < in.limit(); i++) {
			if (in.get(i) == '\r' && in.get(i + 1) == '\n' && in.get(i + 2) == '\r' && in.get(i + 3) == '\n') {
				return i + 4;
			}
		}
		return -1;
	}

}
