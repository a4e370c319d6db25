package io.wsdeck.handshake;

import java.io.IOException;
import java.util.Collection;
import java.util.Locale;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.web.HttpRequestHandler;
import org.springframework.web.servlet.handler.AbstractHandlerMapping;

/**
 * Answers a WebSocket handshake to a path where there is no endpoint: 404 with the endpoints there are, one log line
 * and a count ({@code wsdeck.handshakes.rejected}, reason {@code path}). Without it the request fell through to the
 * static resources, whose 404 was logged nowhere, while a browser shows its client only "error" and 1006: a mistyped
 * path left both sides guessing.
 * <p>
 * It maps only requests that ask to upgrade to websocket, after the controllers and the actuator, and before the
 * static resources, so plain HTTP requests never reach it.
 */
public final class UnknownEndpoint extends AbstractHandlerMapping implements HttpRequestHandler {

	/** Before the static resources' mapping ({@code Ordered.LOWEST_PRECEDENCE - 1}), after everything else. */
	private static final int ORDER = Ordered.LOWEST_PRECEDENCE - 100;

	private final HandshakeRefusal refusal;

	private final String endpoints;

	/** @param paths the paths that do have an endpoint, in the order to list them */
	public UnknownEndpoint(HandshakeRefusal refusal, Collection<String> paths) {
		this.refusal = refusal;
		this.endpoints = String.join(", ", paths);
		setOrder(ORDER);
	}

	@Override
	protected Object getHandlerInternal(HttpServletRequest request) {
		String upgrade = request.getHeader(HttpHeaders.UPGRADE);
		return (upgrade != null && upgrade.toLowerCase(Locale.ROOT).contains("websocket")) ? this : null;
	}

	@Override
	public void handleRequest(HttpServletRequest request, HttpServletResponse response) throws IOException {
		try (ServletServerHttpResponse answer = new ServletServerHttpResponse(response)) {
			this.refusal.refuse(new ServletServerHttpRequest(request), answer, HttpStatus.NOT_FOUND, "path",
					"There is no WebSocket endpoint at " + request.getRequestURI() + ". The endpoints here are "
							+ this.endpoints + "; open / for the test page, which describes them.");
		}
	}

}
