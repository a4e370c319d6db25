package io.wsdeck.shutdown;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

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
 * shutting down", then waits up to {@code wsdeck.shutdown.timeout} for the close handshakes to finish (each client's
 * close in answer), so clients see a clean close they can reconnect after instead of a dropped connection (1006).
 * A client in the middle of reading a message gets the rest of it first, within the timeout. A session whose write
 * is blocked on a client that does not read cannot be sent the close: at the timeout its connection is dropped,
 * which also ends the write. Its phase is the default, above the web server's graceful-shutdown and stop
 * phases, so it runs while Tomcat still serves.
 */
@Component
class SessionDrain implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(SessionDrain.class);

	static final CloseStatus SHUTTING_DOWN = CloseStatus.GOING_AWAY.withReason("server shutting down");

	/** How often to look for finished handshakes, of which Tomcat tells no one. */
	private static final long POLL_MILLIS = 10;

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
		long started = System.nanoTime();
		long deadline = started + this.timeout.toNanos();
		Set<ManagedSession> closed = closeAll(deadline - endGame(this.timeout), deadline);
		int unfinished = awaitHandshakes(closed, deadline);
		if (unfinished > 0) {
			log.warn("Shutdown timeout: {} session(s) did not finish their close handshake", unfinished);
		}
		else {
			log.info("All sessions closed in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
		}
	}

	/**
	 * The last part of the timeout, in which messages under way are no longer waited for: a close that has waited
	 * for one until then cuts it short after the part being written, so that a client still reading it, slowly,
	 * gets the close frame before the deadline drops what is left. That part can take a while: a writer blocked on a
	 * full socket is woken only once a third of the socket's buffer (megabytes) has drained, 1.4 s for a client
	 * reading 1 MB/s here. Half the timeout, between 100 ms and 5 s.
	 */
	static long endGame(Duration timeout) {
		return Math.max(TimeUnit.MILLISECONDS.toNanos(100), Math.min(TimeUnit.SECONDS.toNanos(5), timeout.toNanos() / 2));
	}

	/**
	 * Closes every session, by other threads, until the registry is empty (a session leaves it once its close is
	 * sent) or time is up; then those still left on this thread.
	 * @param replyDeadline until when a close waits for the message under way to be finished
	 * @return the sessions closed
	 */
	private Set<ManagedSession> closeAll(long replyDeadline, long deadline) {
		Set<ManagedSession> closed = new HashSet<>();
		synchronized (this.sessions) {
			while (this.sessions.size() > 0 && System.nanoTime() - deadline < 0) {
				// Again on every wake-up: a handshake that was under way when shutdown began registers its
				// session afterwards, and it must be told too. Closing twice is a no-op.
				for (ManagedSession session : this.sessions.all()) {
					session.closeLater(SHUTTING_DOWN, replyDeadline);
					closed.add(session);
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
		// Still open at the deadline: their closes waited for writes to clients that do not read, or for a thread of
		// the writer pools. A close here sends its frame if it can at once, else drops the connection, which ends the
		// stuck write too.
		for (ManagedSession session : this.sessions.all()) {
			session.closeNow(SHUTTING_DOWN);
			closed.add(session);
		}
		return closed;
	}

	/** @return how many of the sessions' connections are still open at the deadline: the client never answered */
	private static int awaitHandshakes(Set<ManagedSession> closed, long deadline) {
		closed.removeIf(ManagedSession::isConnectionClosed);
		while (!closed.isEmpty() && System.nanoTime() - deadline < 0) {
			try {
				Thread.sleep(Math.max(1, Math.min(POLL_MILLIS, (deadline - System.nanoTime()) / 1_000_000)));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
			closed.removeIf(ManagedSession::isConnectionClosed);
		}
		return closed.size();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
