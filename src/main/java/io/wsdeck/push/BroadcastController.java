package io.wsdeck.push;

import java.nio.charset.StandardCharsets;

import io.wsdeck.config.WsdeckProperties;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /api/broadcast}: the request body, as text, to every open text-capable session. */
@RestController
class BroadcastController {

	private final Broadcaster broadcaster;

	private final AdminAccess access;

	private final long maxMessageBytes;

	BroadcastController(Broadcaster broadcaster, AdminAccess access, WsdeckProperties properties) {
		this.broadcaster = broadcaster;
		this.access = access;
		this.maxMessageBytes = properties.limits().maxMessageSize().toBytes();
	}

	@PostMapping("/api/broadcast")
	ResponseEntity<?> broadcast(@RequestBody(required = false) String body, HttpServletRequest request,
			@RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
		HttpStatus refusal = this.access.refusal(request.getRemoteAddr(), authorization);
		if (refusal == HttpStatus.UNAUTHORIZED) {
			return ResponseEntity.status(refusal).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"wsdeck\"")
				.body(ProblemDetail.forStatusAndDetail(refusal, "Send Authorization: Bearer <wsdeck.admin.token>."));
		}
		if (refusal != null) {
			return ResponseEntity.status(refusal).body(ProblemDetail.forStatusAndDetail(refusal,
					"Only loopback callers may broadcast unless wsdeck.admin.token is set."));
		}
		if (body == null || body.isEmpty()) {
			return ResponseEntity.badRequest()
				.body(ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "The body is the text to broadcast; it is empty."));
		}
		if (body.getBytes(StandardCharsets.UTF_8).length > this.maxMessageBytes) {
			return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).body(ProblemDetail.forStatusAndDetail(
					HttpStatus.CONTENT_TOO_LARGE, "The body is larger than wsdeck.limits.max-message-size."));
		}
		return ResponseEntity.ok(new BroadcastResult(this.broadcaster.broadcast(body)));
	}

	/** @param reached how many sessions the message was sent or queued to */
	record BroadcastResult(int reached) {
	}

}
