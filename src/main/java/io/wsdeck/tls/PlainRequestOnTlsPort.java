package io.wsdeck.tls;

import java.net.SocketAddress;
import java.nio.ByteBuffer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says in the log when a plain HTTP request comes to the wss port: a {@code ws://} URL with the wss port in it is
 * a common slip, and Tomcat answers it (400 "This combination of host and port requires TLS.") before any of
 * wsdeck's handshake code sees it, logging nothing above DEBUG. Called from wsdeck's copy of Tomcat's
 * {@code SecureNioChannel}, which sends that answer.
 */
public final class PlainRequestOnTlsPort {

	private static final Logger log = LoggerFactory.getLogger(PlainRequestOnTlsPort.class);

	/** The request line is shown up to this many characters. */
	private static final int MAX_SHOWN = 120;

	private PlainRequestOnTlsPort() {
	}

	/**
	 * @param from the client's address
	 * @param read the bytes read so far, from index 0 to the buffer's position (not flipped)
	 */
	public static void refused(SocketAddress from, ByteBuffer read) {
		log.info("Refused plain HTTP on the wss port from {}: 400 This combination of host and port requires TLS "
				+ "(\"{}\": a ws:// or http:// URL with the wss port in it?)", from, requestLine(read));
	}

	/** The request's first line, as far as it has been read, with anything but printable ASCII shown as '?'. */
	static String requestLine(ByteBuffer read) {
		StringBuilder line = new StringBuilder();
		for (int i = 0; i < read.position() && line.length() < MAX_SHOWN; i++) {
			byte b = read.get(i);
			if (b == '\r' || b == '\n') {
				break;
			}
			line.append(b >= 0x20 && b < 0x7f ? (char) b : '?');
		}
		return line.toString();
	}

}
