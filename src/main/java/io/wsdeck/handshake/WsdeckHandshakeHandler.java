package io.wsdeck.handshake;

import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.socket.WebSocketExtension;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.standard.StandardWebSocketUpgradeStrategy;
import org.springframework.web.socket.server.support.DefaultHandshakeHandler;

/**
 * Spring's handshake with wsdeck's two negotiation settings: the subprotocols it speaks (Spring picks the first one
 * the client offers that is in the list, RFC 6455 4.2.2) and whether permessage-deflate may be negotiated.
 */
public class WsdeckHandshakeHandler extends DefaultHandshakeHandler {

	private static final String EXTENSIONS = "Sec-WebSocket-Extensions";

	private final boolean compression;

	public WsdeckHandshakeHandler(List<String> subprotocols, boolean compression) {
		super(compression ? new StandardWebSocketUpgradeStrategy() : new WithoutExtensions());
		this.compression = compression;
		setSupportedProtocols(subprotocols.toArray(String[]::new));
	}

	@Override
	protected List<WebSocketExtension> filterRequestedExtensions(ServerHttpRequest request,
			List<WebSocketExtension> requestedExtensions, List<WebSocketExtension> supportedExtensions) {
		return this.compression ? super.filterRequestedExtensions(request, requestedExtensions, supportedExtensions)
				: List.of();
	}

	/**
	 * Tomcat negotiates extensions itself from the request's {@code Sec-WebSocket-Extensions} header, whatever
	 * Spring selected, and offers permessage-deflate to every client that asks. Its only switch is the JVM-wide
	 * {@code DISABLE_BUILTIN_EXTENSIONS} system property, read once; hiding the header from Tomcat turns compression
	 * off for this server alone.
	 */
	private static final class WithoutExtensions extends StandardWebSocketUpgradeStrategy {

		@Override
		public void upgrade(ServerHttpRequest request, ServerHttpResponse response, String selectedProtocol,
				List<WebSocketExtension> selectedExtensions, java.security.Principal user, WebSocketHandler wsHandler,
				Map<String, Object> attributes) {
			ServerHttpRequest hidden = request instanceof ServletServerHttpRequest servlet
					? new ServletServerHttpRequest(new HidingExtensions(servlet.getServletRequest())) : request;
			super.upgrade(hidden, response, selectedProtocol, List.of(), user, wsHandler, attributes);
		}

	}

	private static final class HidingExtensions extends HttpServletRequestWrapper {

		HidingExtensions(HttpServletRequest request) {
			super(request);
		}

		@Override
		public String getHeader(String name) {
			return EXTENSIONS.equalsIgnoreCase(name) ? null : super.getHeader(name);
		}

		@Override
		public Enumeration<String> getHeaders(String name) {
			return EXTENSIONS.equalsIgnoreCase(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
		}

	}

}
