package io.wsdeck.handshake;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.stereotype.Component;

/**
 * Answers a handshake wsdeck will not upgrade: the status, a plain-text body a person can act on, one log line,
 * and a count by reason ({@code wsdeck.handshakes.rejected}). Spring's own checks answer some of these cases with
 * an empty body, which leaves a client developer guessing.
 */
@Component
public class HandshakeRefusal {

	private static final Logger log = LoggerFactory.getLogger(HandshakeRefusal.class);

	private final MeterRegistry meters;

	public HandshakeRefusal(MeterRegistry meters) {
		this.meters = meters;
	}

	/**
	 * Writes the refusal and returns {@code false}, so an interceptor can {@code return refuse(...)}.
	 * @param reason a short fixed tag for the metric, e.g. {@code version}; never request data
	 * @param explanation what was wrong and what to do, for the response body and the log
	 */
	public boolean refuse(ServerHttpRequest request, ServerHttpResponse response, HttpStatus status, String reason,
			String explanation) throws IOException {
		log.info("Refused handshake {} {} from {}: {} {}", request.getMethod(), RequestTarget.rawPath(request),
				request.getRemoteAddress(), status.value(), explanation);
		Counter.builder("wsdeck.handshakes.rejected")
			.description("WebSocket handshakes refused, by reason")
			.tag("reason", reason)
			.register(this.meters)
			.increment();
		response.setStatusCode(status);
		response.getHeaders().setContentType(new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8));
		response.getBody().write((explanation + "\n").getBytes(StandardCharsets.UTF_8));
		return false;
	}

}
