package io.wsdeck.handshake;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Collections;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the requests Tomcat refuses before any of wsdeck's code runs: an HTTP/1.1 request without a {@code Host}
 * header, headers larger than {@code server.max-http-request-header-size}, a character not allowed in the request
 * target, and the like. Tomcat's own answer is an HTML page that names the status and not the reason, and it logs
 * the first such request of a connector at most; a client developer is left to guess. This one answers in plain
 * text with Tomcat's reason and logs one INFO line, as wsdeck's own refusals do.
 * <p>
 * Tomcat passes such a request through the engine's valves with its error already set, so that its error report
 * valve (the host's) writes the page: at the head of the engine, an error already set is one of Tomcat's. This valve
 * writes the answer there and goes no further.
 */
final class EarlyRefusalValve extends ValveBase {

	private static final Logger log = LoggerFactory.getLogger(EarlyRefusalValve.class);

	private final EarlyRefusals refusals;

	EarlyRefusalValve(EarlyRefusals refusals) {
		super(true);
		this.refusals = refusals;
	}

	@Override
	public void invoke(Request request, Response response) throws IOException, ServletException {
		if (!response.isError() || response.isCommitted() || request.isAsyncDispatching()) {
			getNext().invoke(request, response);
			return;
		}
		String reason = reasonFor(request, response);
		log.info("Refused request from {} before any handler: {} {}",
				ClientText.address(request.getRemoteAddr(), request.getRemotePort()), response.getStatus(), reason);
		this.refusals.count(response.getStatus());
		response.setSuspended(false); // set by Tomcat's sendError, and no valve after this one will lift it
		response.setContentType("text/plain;charset=UTF-8");
		PrintWriter body = response.getReporter();
		if (body != null) {
			body.write(reason + "\n");
			response.finishResponse();
		}
	}

	/**
	 * Tomcat's reason: the exception its parser threw, the message it gave with the status, or, for the refusals it
	 * gives no reason for (an unsupported version, a missing or doubled {@code Host}), what the request shows.
	 */
	private static String reasonFor(Request request, Response response) {
		if (request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof Throwable thrown
				&& thrown.getMessage() != null) {
			return ClientText.printable(thrown.getMessage());
		}
		if (response.getMessage() != null && !response.getMessage().isBlank()) {
			return ClientText.printable(response.getMessage());
		}
		if (response.getStatus() == 505) {
			return "HTTP version " + ClientText.printable(String.valueOf(request.getProtocol()))
					+ " is not supported; a WebSocket handshake is HTTP/1.1 (RFC 6455 4.1).";
		}
		if (response.getStatus() == 400 && "HTTP/1.1".equals(request.getProtocol())) {
			int hosts = Collections.list(request.getHeaders("Host")).size();
			if (hosts != 1) {
				return "An HTTP/1.1 request has exactly one Host header (RFC 9112 3.2); this one had " + hosts + ".";
			}
		}
		return "Tomcat refused the request before any of wsdeck's handlers saw it (status " + response.getStatus()
				+ "); its log at DEBUG (logging.level.org.apache.coyote=DEBUG) says why.";
	}

}
