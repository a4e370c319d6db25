package io.wsdeck.config;

import io.micrometer.observation.ObservationPredicate;

import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.observation.ServerRequestObservationContext;

/**
 * Tomcat settings that decide what a connection costs. Measured with the project benchmark; see the README's
 * performance section for the figures behind each.
 */
@Configuration(proxyBeanMethods = false)
class ContainerTuning {

	/**
	 * The socket's own read and write buffers, allocated per connection (8 KiB each by default) and kept for the
	 * whole life of a WebSocket connection. (Direct buffers, tried to save the JDK's copy into a temporary direct
	 * buffer on each write, made no measurable difference to echo or large messages and cost native memory.)
	 */
	@Bean
	TomcatConnectorCustomizer socketBuffers(WsdeckProperties properties) {
		String bytes = Long.toString(properties.limits().ioBufferSize().toBytes());
		return connector -> {
			connector.setProperty("socket.appReadBufSize", bytes);
			connector.setProperty("socket.appWriteBufSize", bytes);
		};
	}

	/**
	 * Handshakes are counted by wsdeck's own meters (sessions opened, handshakes refused by reason); timing each
	 * one again as an {@code http.server.requests} observation cost a tenth of a handshake's CPU in the profile.
	 */
	@Bean
	ObservationPredicate noHttpObservationForHandshakes() {
		return (name, context) -> !(context instanceof ServerRequestObservationContext request
				&& "websocket".equalsIgnoreCase(request.getCarrier().getHeader("Upgrade")));
	}

}
