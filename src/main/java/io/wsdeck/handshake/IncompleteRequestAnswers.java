package io.wsdeck.handshake;

import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;

/**
 * Gives Tomcat's connectors {@link IncompleteRequestProtocol} in place of its plain HTTP/1.1 protocol. First among
 * the customizers, because the wss connector ({@code WssConnector}, last) is created with the factory's protocol.
 */
@Component
class IncompleteRequestAnswers implements WebServerFactoryCustomizer<TomcatWebServerFactory>, Ordered {

	@Override
	public void customize(TomcatWebServerFactory factory) {
		factory.setProtocol(IncompleteRequestProtocol.class.getName());
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
