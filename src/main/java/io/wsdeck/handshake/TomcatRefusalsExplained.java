package io.wsdeck.handshake;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.tomcat.TomcatProtocolHandlerCustomizer;
import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;

/**
 * What Tomcat refuses before any of wsdeck's code runs gets an answer that says why, and a log line: a request that
 * stops half-way ({@link IncompleteRequestProtocol}, in place of Tomcat's plain HTTP/1.1 protocol) and one that
 * Tomcat's parser rejects ({@link EarlyRefusalValve}); both are counted ({@link EarlyRefusals}). First among the
 * customizers, because the wss connector ({@code WssConnector}, last) is created with the factory's protocol.
 */
@Component
class TomcatRefusalsExplained implements WebServerFactoryCustomizer<TomcatWebServerFactory>, Ordered {

	private final EarlyRefusals refusals;

	TomcatRefusalsExplained(MeterRegistry meters) {
		this.refusals = new EarlyRefusals(meters);
	}

	@Override
	public void customize(TomcatWebServerFactory factory) {
		factory.setProtocol(IncompleteRequestProtocol.class.getName());
		// Tomcat creates the protocol by its class name; each connector's is handed the counter once created.
		factory.addProtocolHandlerCustomizers((TomcatProtocolHandlerCustomizer<?>) (handler) -> {
			if (handler instanceof IncompleteRequestProtocol protocol) {
				protocol.countRefusalsIn(this.refusals);
			}
		});
		factory.addEngineValves(new EarlyRefusalValve(this.refusals));
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
