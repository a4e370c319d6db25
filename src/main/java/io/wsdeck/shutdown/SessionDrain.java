package io.wsdeck.shutdown;

import java.time.Duration;

import io.wsdeck.config.WsdeckProperties;
import io.wsdeck.session.ManagedSession;
import io.wsdeck.session.SessionRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;

/**
 * On context close (SIGTERM included), before the web server stops: sends every open session 1001 "server
 * shutting down", then waits up to {@code wsdeck.shutdown.timeout} for the close handshakes to finish, so clients
 * see a clean close they can reconnect after instead of a dropped connection (1006). Its phase is the default,
 * above the web server's graceful-shutdown and stop phases, so it runs while Tomcat still serves.
 */
@Component
class SessionDrain implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(SessionDrain.class);

	static final CloseStatus SHUTTING_DOWN = CloseStatus.GOING_AWAY.withReason("server shutting down");

	private final SessionRegistry sessions;

	private final Duration timeout;

	private volatile boolean running;

	SessionDrain(SessionRegistry sessions, WsdeckProperties properties) {
		this.sessions = sessions;
		this.timeout = properties.shutdown().timeout();
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		int open = this.sessions.size();
		if (open == 0) {
			return;
		}
		log.info("Shutting down: closing {} session(s) with 1001, waiting up to {} ms", open, this.timeout.toMillis());
		long deadline = System.nanoTime() + this.timeout.toNanos();
		synchronized (this.sessions) {
			while (this.sessions.size() > 0 && System.nanoTime() < deadline) {
				// Again on every wake-up: a handshake that was under way when shutdown began registers its
				// session afterwards, and it must be told too. Closing twice is a no-op.
				for (ManagedSession session : this.sessions.all()) {
					session.closeLater(SHUTTING_DOWN);
				}
				try {
					// The registry notifies on every removal; the timeout only bounds a missed wake-up.
					this.sessions.wait(Math.max(1, Math.min(100, (deadline - System.nanoTime()) / 1_000_000)));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					break;
				}
			}
		}
		int left = this.sessions.size();
		if (left > 0) {
			log.warn("Shutdown timeout: {} session(s) did not finish their close handshake", left);
		}
		else {
			log.info("All sessions closed");
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
