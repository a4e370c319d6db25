package io.wsdeck.tls;

import java.util.Collections;

import io.wsdeck.config.InvalidSettingException;
import io.wsdeck.config.ListeningHost;
import io.wsdeck.config.WsdeckProperties;
import org.apache.catalina.connector.Connector;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.coyote.AbstractProtocol;
import org.apache.coyote.ProtocolHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ssl.SslBundleRegistry;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.tomcat.CompressionConnectorCustomizer;
import org.springframework.boot.tomcat.SslConnectorCustomizer;
import org.springframework.boot.tomcat.TomcatProtocolHandlerCustomizer;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.util.LambdaSafe;
import org.springframework.boot.web.server.Ssl;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;

/**
 * Opens {@code wsdeck.tls.port} as a second Tomcat connector with TLS, beside the plain one on {@code server.port}.
 * Both feed the same engine, so the page, every WebSocket endpoint and the actuator answer on both, as https and
 * wss on this one. Its certificate is the operator's SSL bundle ({@code wsdeck.tls.bundle}), or with
 * {@code wsdeck.tls.self-signed} the development certificate kept in {@code wsdeck.tls.directory}.
 */
@Component
public class WssConnector
		implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, ApplicationListener<WebServerInitializedEvent>,
		Ordered {

	private static final Logger log = LoggerFactory.getLogger(WssConnector.class);

	/** Spring Boot's SSL customizer reports through commons-logging. */
	private static final Log sslLog = LogFactory.getLog(WssConnector.class);

	/** The name the self-signed development certificate has among Spring's SSL bundles. */
	private static final String SELF_SIGNED_BUNDLE = "wsdeck-self-signed";

	private final WsdeckProperties properties;

	private final SslBundles bundles;

	private volatile Connector connector;

	/** The host the startup log names ({@link ListeningHost}). */
	private volatile String host = "localhost";

	private volatile String certificateDescription;

	public WssConnector(WsdeckProperties properties, SslBundles bundles) {
		this.properties = properties;
		this.bundles = bundles;
	}

	/**
	 * Last, so the plain connector's settings ({@code server.tomcat.*}: connection limit, threads, timeouts), which
	 * the other customizers register, are all there to be given to this connector too.
	 */
	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public void customize(TomcatServletWebServerFactory factory) {
		WsdeckProperties.Tls tls = this.properties.tls();
		if (!tls.enabled()) {
			return;
		}
		if (tls.port() != 0 && tls.port() == factory.getPort()) {
			throw new InvalidSettingException("wsdeck.tls.port", "wsdeck.tls.port and server.port are both "
					+ tls.port() + "; wss needs a port of its own", "Give wsdeck.tls.port a port of its own.");
		}
		Connector connector = new Connector(factory.getProtocol());
		connector.setPort(tls.port());
		ProtocolHandler handler = connector.getProtocolHandler();
		this.host = ListeningHost.of(factory.getAddress());
		if (factory.getAddress() != null && handler instanceof AbstractProtocol<?> protocol) {
			protocol.setAddress(factory.getAddress()); // server.address: bound where the plain connector is
		}
		LambdaSafe.callbacks(TomcatProtocolHandlerCustomizer.class, factory.getProtocolHandlerCustomizers(), handler)
			.invoke((customizer) -> customizer.customize(handler));
		if (factory.getUriEncoding() != null) {
			connector.setURIEncoding(factory.getUriEncoding().name());
		}
		new CompressionConnectorCustomizer(factory.getCompression()).customize(connector);
		factory.getConnectorCustomizers().forEach((customizer) -> customizer.customize(connector));
		WssCertificate certificate = WssCertificate.choose(tls, this.bundles);
		SslConnectorCustomizer ssl = new SslConnectorCustomizer(sslLog, connector, Ssl.ClientAuth.NONE);
		ssl.customize(certificate.bundle(), Collections.emptyMap());
		if (certificate.bundleName() == null && this.bundles instanceof SslBundleRegistry registry) {
			// Among Spring's bundles, so that /actuator/health's ssl entry tells when it expires, as for an operator's.
			registry.registerBundle(SELF_SIGNED_BUNDLE, certificate.bundle());
		}
		certificate.whenRenewed(this.bundles, (renewed) -> {
			ssl.update(null, renewed);
			log.info("wss now serves the renewed certificate of SSL bundle '{}'", certificate.bundleName());
		});
		factory.addAdditionalConnectors(connector);
		this.connector = connector;
		this.certificateDescription = certificate.description();
	}

	/** The port wss is served on once the server has started (the chosen one when configured as 0), else -1. */
	public int localPort() {
		Connector connector = this.connector;
		return (connector != null) ? connector.getLocalPort() : -1;
	}

	@Override
	public void onApplicationEvent(WebServerInitializedEvent event) {
		if (event.getApplicationContext().getServerNamespace() != null) {
			return; // a management server's
		}
		int port = localPort();
		if (port > 0) {
			log.info("wss://{}:{}{} (and the page at https://{}:{}/) with {}", this.host, port,
					this.properties.endpoints().mixed(), this.host, port, this.certificateDescription);
		}
		else if (!this.properties.tls().enabled()) {
			log.info("No wss: no certificate. Name an SSL bundle in wsdeck.tls.bundle, or set "
					+ "wsdeck.tls.self-signed=true for a development one");
		}
	}

}
