package io.wsdeck.handshake;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import org.apache.coyote.Adapter;
import org.apache.coyote.http11.AbstractHttp11Protocol;
import org.apache.coyote.http11.Http11Processor;
import org.apache.tomcat.util.net.AbstractEndpoint.Handler.SocketState;
import org.apache.tomcat.util.net.SocketEvent;
import org.apache.tomcat.util.net.SocketWrapperBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tomcat's HTTP/1.1 processor, except when a request stops arriving half-way: a request line without its end, or
 * headers without the empty line that ends them, the most common mistake of a hand-written WebSocket client. Tomcat
 * waits {@code server.tomcat.connection-timeout} for the rest and then closes the connection without a word, and
 * the client developer sees a connection that hangs and drops. This answers {@code 408 Request Timeout}
 * (RFC 9110 15.5.9) with a body that says how far the request got and what was missing, and logs one INFO line.
 * (The timeout counts from the last bytes read, so a client that trickles its request keeps it alive.)
 * <p>
 * Hand-written: Tomcat has no hook for it. Between two reads of an unfinished request Tomcat keeps the request's
 * processor with the connection, and when the wait runs out it hands that processor an {@code ERROR} event with a
 * {@link SocketTimeoutException} set on the connection, which its processors answer by closing. A connection that
 * sent nothing, or nothing but a finished request (keep-alive), has no processor kept: it still closes silently, as
 * a browser's spare connections must be able to.
 */
final class IncompleteRequestProcessor extends Http11Processor {

	private static final Logger log = LoggerFactory.getLogger(IncompleteRequestProcessor.class);

	private final AbstractHttp11Protocol<?> protocol;

	/** {@code null} where no meter registry handed one (a connector built outside Spring's factory). */
	private final EarlyRefusals refusals;

	IncompleteRequestProcessor(AbstractHttp11Protocol<?> protocol, Adapter adapter, EarlyRefusals refusals) {
		super(protocol, adapter);
		this.protocol = protocol;
		this.refusals = refusals;
	}

	@Override
	public SocketState process(SocketWrapperBase<?> socketWrapper, SocketEvent status) throws IOException {
		if (status == SocketEvent.ERROR && socketWrapper.getError() instanceof SocketTimeoutException
				&& requestCutShort()) {
			answer(socketWrapper);
			return SocketState.CLOSED;
		}
		return super.process(socketWrapper, status);
	}

	/**
	 * Part of a request came and no response has begun. Async requests, upgraded connections and files being sent
	 * also keep their processor, but each has a response under way.
	 */
	private boolean requestCutShort() {
		return !isAsync() && !isUpgrade() && !this.response.isCommitted() && this.request.getStartTimeNanos() >= 0;
	}

	private void answer(SocketWrapperBase<?> socketWrapper) {
		RequestSoFar soFar = RequestSoFar.of(this.request);
		String waited = waitOf(this.protocol.getConnectionTimeout());
		String client = ClientText.address(socketWrapper.getRemoteAddr(), socketWrapper.getRemotePort());
		log.info("Closed connection from {} with 408 after {} without more of the request: {}", client, waited,
				soFar.summary());
		if (this.refusals != null) {
			this.refusals.count(408);
		}
		byte[] body = ("Nothing more of the request came for " + waited + " (server.tomcat.connection-timeout). "
				+ soFar.explanation() + "\n").getBytes(StandardCharsets.UTF_8);
		byte[] head = ("HTTP/1.1 408 Request Timeout\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: "
				+ body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
		try {
			// A few hundred bytes to a connection whose client may have stopped reading: blocking is bounded by
			// the connector's write timeout, and the socket's buffer takes them at once in practice.
			socketWrapper.write(true, head, 0, head.length);
			socketWrapper.write(true, body, 0, body.length);
			socketWrapper.flush(true);
		}
		catch (IOException ex) {
			log.debug("The 408 to {} could not be written: {}", client, ex.toString());
		}
	}

	/** 20000 → "20 s", 1500 → "1500 ms". */
	private static String waitOf(int millis) {
		return (millis % 1000 == 0) ? (millis / 1000) + " s" : millis + " ms";
	}

}
