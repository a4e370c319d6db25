package io.wsdeck.push;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import io.wsdeck.config.WsdeckProperties;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/broadcast}: the request body, as text, to every open text-capable session.
 * <p>
 * The body is read as the bytes that came, whatever the {@code Content-Type}: {@code curl --data 'hello everyone'}
 * sends a form ({@code application/x-www-form-urlencoded}), which Spring's {@code @RequestBody String} would rebuild
 * from the parsed form fields ({@code hello+everyone=}, and a 400 for a {@code %} that does not decode). It must be
 * UTF-8, as a text message's payload must be (RFC 6455 5.6): clients close on anything else with 1007.
 */
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
	ResponseEntity<?> broadcast(HttpServletRequest request,
			@RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization)
			throws IOException {
		HttpStatus refusal = this.access.refusal(request.getRemoteAddr(), authorization);
		if (refusal == HttpStatus.UNAUTHORIZED) {
			return ResponseEntity.status(refusal).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"wsdeck\"")
				.body(ProblemDetail.forStatusAndDetail(refusal, "Send Authorization: Bearer <wsdeck.admin.token>."));
		}
		if (refusal != null) {
			return ResponseEntity.status(refusal).body(ProblemDetail.forStatusAndDetail(refusal,
					"Only loopback callers may broadcast unless wsdeck.admin.token is set."));
		}
		// A declared length over the limit is refused before a byte of it is read.
		byte[] body = (request.getContentLengthLong() > this.maxMessageBytes) ? null : readAtMostOneOver(request);
		if (body == null || body.length > this.maxMessageBytes) {
			return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).body(ProblemDetail.forStatusAndDetail(
					HttpStatus.CONTENT_TOO_LARGE, "The body is larger than wsdeck.limits.max-message-size ("
							+ this.maxMessageBytes + " bytes)."));
		}
		if (body.length == 0) {
			return badRequest("The body is the text to broadcast; it is empty.");
		}
		String text;
		try {
			text = StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(body))
				.toString();
		}
		catch (CharacterCodingException ex) {
			return badRequest("The body is not valid UTF-8, which a text message must be (RFC 6455 5.6).");
		}
		return ResponseEntity.ok(new BroadcastResult(this.broadcaster.broadcast(text)));
	}

	/** The body, or as much of it as shows that it is over the limit. */
	private byte[] readAtMostOneOver(HttpServletRequest request) throws IOException {
		try (InputStream in = request.getInputStream()) {
			return in.readNBytes((int) Math.min(this.maxMessageBytes + 1, Integer.MAX_VALUE - 8));
		}
	}

	private static ResponseEntity<ProblemDetail> badRequest(String detail) {
		return ResponseEntity.badRequest().body(ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail));
	}

	/** @param reached how many sessions the message was sent or queued to */
	record BroadcastResult(int reached) {
	}

}
