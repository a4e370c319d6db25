package io.wsdeck.handshake;

import java.util.List;

import org.springframework.http.server.ServerHttpRequest;
import org.springframework.web.socket.WebSocketExtension;
import org.springframework.web.socket.server.support.DefaultHandshakeHandler;

/**
 * Spring's handshake with wsdeck's two negotiation settings: the subprotocols it speaks (Spring picks the first one
 * the client offers that is in the list, RFC 6455 4.2.2) and whether permessage-deflate may be negotiated. Tomcat
 * offers permessage-deflate to every client that asks; filtering the requested extensions here turns it off per
 * server without the JVM-wide {@code DISABLE_BUILTIN_EXTENSIONS} system property.
 */
public class WsdeckHandshakeHandler extends DefaultHandshakeHandler {

	private final boolean compression;

	public WsdeckHandshakeHandler(List<String> subprotocols, boolean compression) {
		this.compression = compression;
		setSupportedProtocols(subprotocols.toArray(String[]::new));
	}

	@Override
	protected List<WebSocketExtension> filterRequestedExtensions(ServerHttpRequest request,
			List<WebSocketExtension> requestedExtensions, List<WebSocketExtension> supportedExtensions) {
		if (!this.compression) {
			return List.of();
		}
		return super.filterRequestedExtensions(request, requestedExtensions, supportedExtensions);
	}

}
