package io.wsdeck.metrics;

import io.wsdeck.session.SessionRegistry;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** {@code /actuator/health} shows the open-session count under {@code components.sessions}. */
@Component("sessions")
class SessionsHealthIndicator implements HealthIndicator {

	private final SessionRegistry sessions;

	SessionsHealthIndicator(SessionRegistry sessions) {
		this.sessions = sessions;
	}

	@Override
	public Health health() {
		return Health.up().withDetail("open", this.sessions.size()).build();
	}

}
