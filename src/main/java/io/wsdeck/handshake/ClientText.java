package io.wsdeck.handshake;

/**
 * What a client sent, made safe to log and to echo back in an answer's body: control characters replaced, length
 * bounded. And a client's address, written as the session lines write it.
 */
final class ClientText {

	/** Long enough for any path a person reads, short enough for a log line. */
	static final int MAX_LENGTH = 200;

	private ClientText() {
	}

	/** {@code text} with each control character as {@code ?}, cut to {@link #MAX_LENGTH} characters and "…". */
	static String printable(String text) {
		StringBuilder printable = new StringBuilder(Math.min(text.length(), MAX_LENGTH + 1));
		for (int i = 0; i < text.length() && printable.length() < MAX_LENGTH; i++) {
			char c = text.charAt(i);
			printable.append((c < 0x20 || c == 0x7f) ? '?' : c);
		}
		return (text.length() > MAX_LENGTH) ? printable.append('…').toString() : printable.toString();
	}

	/** {@code /127.0.0.1:53210}, {@code /[::1]:53210}: as {@link java.net.InetSocketAddress} writes an address. */
	static String address(String ip, int port) {
		return "/" + (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + port;
	}

}
