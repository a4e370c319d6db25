package io.wsdeck.config;

import java.net.InetAddress;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/**
 * Says once the server listens where to point a client and a browser, so that someone who has just started the jar
 * need not know the endpoint paths. The wss connector says the same for its port, or why there is none.
 */
@Component
class WhereToConnect implements ApplicationListener<WebServerInitializedEvent> {

	private static final Logger log = LoggerFactory.getLogger(WhereToConnect.class);

	private final WsdeckProperties properties;

	/** {@code server.address}: where the server listens, or {@code null} for every address. */
	private final InetAddress address;

	WhereToConnect(WsdeckProperties properties, @Value("${server.address:#{null}}") InetAddress address) {
		this.properties = properties;
		this.address = address;
	}

	@Override
	public void onApplicationEvent(WebServerInitializedEvent event) {
		if (event.getApplicationContext().getServerNamespace() != null) {
			return; // a management server's: no WebSocket endpoints there
		}
		int port = event.getWebServer().getPort();
		String host = ListeningHost.of(this.address);
		WsdeckProperties.Endpoints endpoints = this.properties.endpoints();
		log.info("ws://{}:{}{} (text and binary; also {}, {}, {} and {}) and the page at http://{}:{}/", host, port,
				endpoints.mixed(), endpoints.text(), endpoints.binary(), endpoints.echo(), endpoints.lab(), host, port);
	}

}
