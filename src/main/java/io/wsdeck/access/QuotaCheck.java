package io.wsdeck.access;

import java.net.InetSocketAddress;
import java.util.Map;

import io.wsdeck.handshake.HandshakeRefusal;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * Refuses a handshake over the session limits with an HTTP status, before the upgrade, rather than accepting it
 * and closing at once with 1013: a refused handshake costs no session, and clients and proxies already know how to
 * back off from {@code 503}/{@code 429} with {@code Retry-After}.
 */
public class QuotaCheck implements HandshakeInterceptor {

	private static final String ATTRIBUTE = QuotaCheck.class.getName() + ".slot";

	private static final String RETRY_AFTER_SECONDS = "5";

	private final HandshakeRefusal refusal;

	private final SessionQuota quota;

	public QuotaCheck(HandshakeRefusal refusal, SessionQuota quota) {
		this.refusal = refusal;
		this.quota = quota;
	}

	@Override
	public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
			Map<String, Object> attributes) throws Exception {
		String address = addressOf(request);
		SessionQuota.Slot slot = this.quota.take(address);
		if (slot != null) {
			attributes.put(ATTRIBUTE, slot); // released by the session layer when the session closes
			if (request instanceof ServletServerHttpRequest servlet) {
				servlet.getServletRequest().setAttribute(ATTRIBUTE, slot); // for afterHandshake, which gets no attributes
			}
			return true;
		}
		response.getHeaders().set(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
		if (this.quota.refusal() == SessionQuota.Limit.TOTAL) {
			return this.refusal.refuse(request, response, HttpStatus.SERVICE_UNAVAILABLE, "max-sessions",
					"wsdeck has " + this.quota.maxSessions() + " sessions open, its limit (wsdeck.access.max-sessions); "
							+ "try again later.");
		}
		return this.refusal.refuse(request, response, HttpStatus.TOO_MANY_REQUESTS, "max-sessions-per-address",
				"Your address has " + this.quota.maxPerAddress()
						+ " sessions open, the limit (wsdeck.access.max-sessions-per-address); close one or try later.");
	}

	/** The slot is the session's from here on, unless the upgrade did not happen. */
	@Override
	public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
			Exception exception) {
		if ((exception != null || !upgraded(response)) && request instanceof ServletServerHttpRequest servlet
				&& servlet.getServletRequest().getAttribute(ATTRIBUTE) instanceof SessionQuota.Slot slot) {
			slot.release(); // no session will ever close to give it back
		}
	}

	private static boolean upgraded(ServerHttpResponse response) {
		return response instanceof ServletServerHttpResponse servlet
				&& servlet.getServletResponse().getStatus() == HttpStatus.SWITCHING_PROTOCOLS.value();
	}

	private static String addressOf(ServerHttpRequest request) {
		InetSocketAddress remote = request.getRemoteAddress();
		return remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString();
	}

}
