package io.wsdeck.handshake;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;

/**
 * Answers a handshake wsdeck will not upgrade: the status, a plain-text body a person can act on, and one log
 * line. Spring's own checks answer some of these cases with an empty body, which leaves a client developer
 * guessing.
 */
public final class HandshakeRefusal {

	private static final Logger log = LoggerFactory.getLogger(HandshakeRefusal.class);

	private HandshakeRefusal() {
	}

	/** Writes the refusal and returns {@code false}, so an interceptor can {@code return refuse(...)}. */
	public static boolean refuse(ServerHttpRequest request, ServerHttpResponse response, HttpStatus status,
			String reason) throws IOException {
		log.info("Refused handshake {} {} from {}: {} {}", request.getMethod(), request.getURI().getRawPath(),
				request.getRemoteAddress(), status.value(), reason);
		response.setStatusCode(status);
		response.getHeaders().setContentType(new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8));
		response.getBody().write((reason + "\n").getBytes(StandardCharsets.UTF_8));
		return false;
	}

}
