package io.wsdeck.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.wsdeck.session.Endpoint;
import io.wsdeck.session.SessionRegistry;

import org.springframework.stereotype.Component;

/** Open sessions and their buffered outbound bytes, per endpoint, read from the registry when scraped. */
@Component
class SessionGauges implements MeterBinder {

	private final SessionRegistry sessions;

	SessionGauges(SessionRegistry sessions) {
		this.sessions = sessions;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (Endpoint endpoint : Endpoint.values()) {
			Gauge.builder("wsdeck.sessions.open", this.sessions, sessions -> sessions.count(endpoint))
				.description("WebSocket sessions open now")
				.tag("endpoint", endpoint.tag())
				.register(registry);
			Gauge.builder("wsdeck.sessions.buffered.bytes", this.sessions, sessions -> sessions.bufferedBytes(endpoint))
				.description("Bytes accepted for sending and not yet written to the network")
				.baseUnit("bytes")
				.tag("endpoint", endpoint.tag())
				.register(registry);
		}
	}

}
