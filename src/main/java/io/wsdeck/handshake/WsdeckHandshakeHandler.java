package io.wsdeck.handshake;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

import io.wsdeck.config.WsdeckProperties.Compression;

import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.socket.WebSocketExtension;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.standard.StandardWebSocketUpgradeStrategy;
import org.springframework.web.socket.server.support.DefaultHandshakeHandler;

/**
 * Spring's handshake with wsdeck's negotiation settings: the subprotocols it speaks (Spring picks the first one the
 * client offers that is in the list, RFC 6455 4.2.2), whether permessage-deflate may be negotiated, and whether its
 * compressors keep their window between messages.
 */
public class WsdeckHandshakeHandler extends DefaultHandshakeHandler {

	private static final String EXTENSIONS = "Sec-WebSocket-Extensions";

	private final boolean compression;

	public WsdeckHandshakeHandler(List<String> subprotocols, Compression compression) {
		super(!compression.enabled() ? new WithoutExtensions()
				: compression.contextTakeover() ? new StandardWebSocketUpgradeStrategy()
						: new WithoutContextTakeover());
		this.compression = compression.enabled();
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

	/**
	 * Tomcat accepts the first permessage-deflate offer it can honour and answers its parameters. RFC 7692 (7.1.1.1,
	 * 7.1.1.2) lets a server answer {@code server_no_context_takeover} and {@code client_no_context_takeover} to any
	 * offer; so that Tomcat does, each offer reaches it with both added. Each side then compresses every message on
	 * its own, and wsdeck's copy of Tomcat's {@code PerMessageDeflate} lends the zlib objects per message instead of
	 * keeping them per session.
	 */
	private static final class WithoutContextTakeover extends StandardWebSocketUpgradeStrategy {

		@Override
		public void upgrade(ServerHttpRequest request, ServerHttpResponse response, String selectedProtocol,
				List<WebSocketExtension> selectedExtensions, java.security.Principal user, WebSocketHandler wsHandler,
				Map<String, Object> attributes) {
			// Most handshakes offer no extension: those go to Tomcat as they came
			ServerHttpRequest offering = request instanceof ServletServerHttpRequest servlet
					&& servlet.getServletRequest().getHeader(EXTENSIONS) != null
							? new ServletServerHttpRequest(new NoContextTakeoverOffers(servlet.getServletRequest()))
							: request;
			super.upgrade(offering, response, selectedProtocol, selectedExtensions, user, wsHandler, attributes);
		}

	}

	/**
	 * The client's {@code Sec-WebSocket-Extensions} with both no-context-takeover parameters added to each
	 * permessage-deflate offer that lacks them. Hand-written: Spring's {@link WebSocketExtension#parseExtensions}
	 * drops parameters without a value, which these are.
	 */
	private static final class NoContextTakeoverOffers extends HttpServletRequestWrapper {

		private static final String DEFLATE = "permessage-deflate";

		private static final List<String> PARAMETERS = List.of("server_no_context_takeover",
				"client_no_context_takeover");

		NoContextTakeoverOffers(HttpServletRequest request) {
			super(request);
		}

		@Override
		public String getHeader(String name) {
			String value = super.getHeader(name);
			return EXTENSIONS.equalsIgnoreCase(name) && value != null ? withParameters(value) : value;
		}

		@Override
		public Enumeration<String> getHeaders(String name) {
			if (!EXTENSIONS.equalsIgnoreCase(name)) {
				return super.getHeaders(name);
			}
			List<String> values = new ArrayList<>();
			for (Enumeration<String> headers = super.getHeaders(name); headers.hasMoreElements();) {
				values.add(withParameters(headers.nextElement()));
			}
			return Collections.enumeration(values);
		}

		static String withParameters(String header) {
			List<String> offers = new ArrayList<>();
			for (String offer : header.split(",")) {
				String[] parts = offer.split(";");
				if (!parts[0].trim().equalsIgnoreCase(DEFLATE)) {
					offers.add(offer.trim());
					continue;
				}
				List<String> names = new ArrayList<>();
				for (int i = 1; i < parts.length; i++) {
					names.add(parts[i].split("=", 2)[0].trim().toLowerCase(Locale.ROOT));
				}
				StringBuilder amended = new StringBuilder(offer.trim());
				PARAMETERS.stream().filter((parameter) -> !names.contains(parameter))
					.forEach((parameter) -> amended.append("; ").append(parameter));
				offers.add(amended.toString());
			}
			return String.join(", ", offers);
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
