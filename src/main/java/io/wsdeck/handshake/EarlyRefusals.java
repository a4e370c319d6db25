package io.wsdeck.handshake;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts the requests answered before any handler ran ({@code wsdeck.requests.refused}, by {@code status}): the
 * {@code 408}s of requests cut short and Tomcat's own refusals. The status codes Tomcat uses for them are few, so the
 * tag stays bounded.
 */
final class EarlyRefusals {

	private final MeterRegistry meters;

	EarlyRefusals(MeterRegistry meters) {
		this.meters = meters;
	}

	void count(int status) {
		Counter.builder("wsdeck.requests.refused")
			.description("HTTP requests answered before any handler ran: cut short (408) or refused by Tomcat")
			.tag("status", Integer.toString(status))
			.register(this.meters)
			.increment();
	}

}
