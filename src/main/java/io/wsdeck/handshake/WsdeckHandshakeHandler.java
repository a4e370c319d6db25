package io.wsdeck.handshake;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

import io.wsdeck.config.WsdeckProperties.Compression;

import org.apache.tomcat.websocket.PerMessageDeflate;
import org.apache.tomcat.websocket.server.WsHttpUpgradeHandler;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.socket.WebSocketExtension;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.standard.StandardWebSocketUpgradeStrategy;
import org.springframework.web.socket.server.support.DefaultHandshakeHandler;

/**
 * Spring's handshake with wsdeck's negotiation settings: the subprotocols it speaks (the first one the client offers
 * that is in the list, RFC 6455 4.2.2, compared as written), whether permessage-deflate may be negotiated, and
 * whether its compressors keep their window between messages; and, for Tomcat, whether the endpoint's sessions
 * greet, which decides when the {@code 101} is written.
 */
public class WsdeckHandshakeHandler extends DefaultHandshakeHandler {

	private static final String EXTENSIONS = "Sec-WebSocket-Extensions";

	private final boolean compression;

	private final List<String> subprotocols;

	/**
	 * @param greets whether a session sends a frame as soon as it opens: its {@code 101} then waits to leave with
	 * that frame, where any other session's is written before it opens (see Tomcat's {@code WsHttpUpgradeHandler})
	 */
	public WsdeckHandshakeHandler(List<String> subprotocols, Compression compression, boolean greets) {
		super(new TomcatUpgrade(!compression.enabled() ? HidingExtensions::new
				: compression.contextTakeover() ? UnaryOperator.identity() : NoContextTakeoverOffers::new,
				(int) compression.minSize().toBytes(), greets));
		this.compression = compression.enabled();
		this.subprotocols = List.copyOf(subprotocols);
		setSupportedProtocols(subprotocols.toArray(String[]::new));
	}

	/**
	 * The first subprotocol the client offers that wsdeck speaks, compared as written: RFC 7936 (2) matches the
	 * tokens case-sensitively. Spring lower-cases both sides, so an offer of {@code ECHO} was answered {@code ECHO}
	 * by a server that speaks {@code echo}.
	 */
	@Override
	protected String selectProtocol(List<String> requestedProtocols, WebSocketHandler webSocketHandler) {
		for (String protocol : requestedProtocols) {
			if (this.subprotocols.contains(protocol)) {
				return protocol;
			}
		}
		return null;
	}

	@Override
	protected List<WebSocketExtension> filterRequestedExtensions(ServerHttpRequest request,
			List<WebSocketExtension> requestedExtensions, List<WebSocketExtension> supportedExtensions) {
		return this.compression ? super.filterRequestedExtensions(request, requestedExtensions, supportedExtensions)
				: List.of();
	}

	/**
	 * Spring's upgrade on Tomcat, with wsdeck's compression settings applied where Tomcat negotiates. Tomcat
	 * negotiates extensions itself from the request's {@code Sec-WebSocket-Extensions} header, whatever Spring
	 * selected, and offers permessage-deflate to every client that asks. So wsdeck's settings reach Tomcat as that
	 * header, rewritten: hidden ({@link HidingExtensions}) or with each offer amended ({@link NoContextTakeoverOffers}).
	 * Tomcat sees the request without the list of its header names ({@link HeaderNamesHidden}); Spring's session
	 * keeps the headers as they came. The size below which messages go out uncompressed reaches wsdeck's copy of
	 * Tomcat's {@code PerMessageDeflate} along the handshake's thread, and whether the session greets its copy of
	 * {@code WsHttpUpgradeHandler}.
	 */
	private static final class TomcatUpgrade extends StandardWebSocketUpgradeStrategy {

		private final UnaryOperator<HttpServletRequest> rewrite;

		private final int minCompressedSize;

		private final boolean greets;

		TomcatUpgrade(UnaryOperator<HttpServletRequest> rewrite, int minCompressedSize, boolean greets) {
			this.rewrite = rewrite;
			this.minCompressedSize = minCompressedSize;
			this.greets = greets;
		}

		@Override
		public void upgrade(ServerHttpRequest request, ServerHttpResponse response, String selectedProtocol,
				List<WebSocketExtension> selectedExtensions, java.security.Principal user, WebSocketHandler wsHandler,
				Map<String, Object> attributes) {
			TokenListsForSpring.restore(request, attributes);
			ServerHttpRequest forTomcat = forTomcat(request);
			Runnable upgrade = () -> super.upgrade(forTomcat, response, selectedProtocol, selectedExtensions, user,
					wsHandler, attributes);
			PerMessageDeflate.negotiateWith(this.minCompressedSize,
					this.greets ? () -> WsHttpUpgradeHandler.answerWithFirstFrame(upgrade) : upgrade);
		}

		/** The request as Tomcat's upgrade should read it, with Spring's session given the headers as they came. */
		private ServerHttpRequest forTomcat(ServerHttpRequest request) {
			if (!(request instanceof ServletServerHttpRequest servlet)) {
				return request;
			}
			HttpServletRequest servletRequest = servlet.getServletRequest();
			if (servletRequest.getHeader(EXTENSIONS) != null) {
				servletRequest = this.rewrite.apply(servletRequest);
			}
			return new WithHeaders(new HeaderNamesHidden(servletRequest), request.getHeaders());
		}

	}

	/** A servlet request for Tomcat to upgrade, whose headers for Spring's session are the handshake's own. */
	private static final class WithHeaders extends ServletServerHttpRequest {

		private final HttpHeaders headers;

		WithHeaders(HttpServletRequest request, HttpHeaders headers) {
			super(request);
			this.headers = headers;
		}

		@Override
		public HttpHeaders getHeaders() {
			return this.headers;
		}

	}

	/**
	 * The request without the list of its header names. Tomcat's upgrade reads the headers it needs by name; given
	 * the list, it also copies every header into its own handshake request, which the connection keeps for its whole
	 * life beside Spring's copy in the session. That copy is only for JSR-356 configurators, which wsdeck has none
	 * of, and it cost every idle session about 1.4 KB of heap (more for a browser's, which sends a dozen headers).
	 */
	static final class HeaderNamesHidden extends HttpServletRequestWrapper {

		HeaderNamesHidden(HttpServletRequest request) {
			super(request);
		}

		@Override
		public Enumeration<String> getHeaderNames() {
			return Collections.emptyEnumeration();
		}

	}

	/**
	 * The client's {@code Sec-WebSocket-Extensions} with both no-context-takeover parameters added to each
	 * permessage-deflate offer that lacks them. RFC 7692 (7.1.1.1, 7.1.1.2) lets a server answer both to any offer,
	 * and Tomcat answers the parameters of the first offer it can honour, so each side then compresses every message
	 * on its own and wsdeck's copy of Tomcat's {@code PerMessageDeflate} lends the zlib objects per message instead
	 * of keeping them per session. Hand-written: Spring's {@link WebSocketExtension#parseExtensions}
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

	/**
	 * The request without its {@code Sec-WebSocket-Extensions}: Tomcat's only switch for its built-in extensions is
	 * the JVM-wide {@code DISABLE_BUILTIN_EXTENSIONS} system property, read once; hiding the header turns compression
	 * off for this server alone.
	 */
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
