package io.wsdeck.support;

import java.util.Arrays;
import java.util.List;

import org.apache.catalina.connector.Connector;
import org.apache.tomcat.util.net.NioEndpoint;

import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.test.util.ReflectionTestUtils;

/**
 * The NIO endpoints behind a running application's Tomcat connectors, where the settings and the open connections
 * are. Tomcat's protocol handler keeps its endpoint behind a protected getter, read here by reflection.
 */
public final class TomcatEndpoints {

	private TomcatEndpoints() {
	}

	/** Every connector's endpoint: the ws:// one, and the wss one when TLS is on. */
	public static List<NioEndpoint> all(WebServerApplicationContext context) {
		return Arrays.stream(connectors(context)).map(TomcatEndpoints::endpoint).toList();
	}

	/** The endpoint of the connector listening on {@code port}. */
	public static NioEndpoint onPort(WebServerApplicationContext context, int port) {
		return Arrays.stream(connectors(context))
			.filter((connector) -> connector.getLocalPort() == port)
			.map(TomcatEndpoints::endpoint)
			.findFirst()
			.orElseThrow();
	}

	/** Every connector: the ws:// one, and the wss one when TLS is on. */
	public static Connector[] connectors(WebServerApplicationContext context) {
		return ((TomcatWebServer) context.getWebServer()).getTomcat().getService().findConnectors();
	}

	private static NioEndpoint endpoint(Connector connector) {
		return (NioEndpoint) ReflectionTestUtils.invokeMethod(connector.getProtocolHandler(), "getEndpoint");
	}

}
