package io.wsdeck.handshake;

import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServletServerHttpRequest;

/**
 * The path and query of a handshake request, read from the servlet request where there is one. Spring's
 * {@link ServerHttpRequest#getURI()} builds a {@link java.net.URI} from the whole request URL on first use, which
 * cost a handshake more than all of wsdeck's checks together in the benchmark's profile; most handshakes need
 * neither part.
 */
public final class RequestTarget {

	private RequestTarget() {
	}

	/** The query string as sent (not decoded), or null when there is none. */
	public static String rawQuery(ServerHttpRequest request) {
		if (request instanceof ServletServerHttpRequest servlet) {
			return servlet.getServletRequest().getQueryString();
		}
		return request.getURI().getRawQuery();
	}

	/** The path as sent (not decoded), context path included. */
	public static String rawPath(ServerHttpRequest request) {
		if (request instanceof ServletServerHttpRequest servlet) {
			return servlet.getServletRequest().getRequestURI();
		}
		return request.getURI().getRawPath();
	}

}
