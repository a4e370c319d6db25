package io.wsdeck.liveness;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.wsdeck.config.WsdeckProperties;
import io.wsdeck.session.ManagedSession;
import io.wsdeck.session.SessionRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;

/**
 * Every heartbeat interval, pings each open session; a session that has left {@code missed-pongs} pings in a row
 * unanswered is taken for dead (a peer that vanished without a FIN, a NAT that forgot the mapping) and closed with
 * 1001. A client that sends, or is reading what it was sent, is alive whatever its pongs ({@code ReadingEvidence}
 * in the session package): a pong may come late behind megabytes still in the socket buffers. With an
 * idle timeout set, a session that has sent no data message for that long is closed with 1001 too.
 * One sweep on the shared push scheduler covers every session; pings and closes are written by the push senders,
 * so a stuck client cannot stall the sweep.
 */
@Component
public class Heartbeat implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

	private static final byte[] PAYLOAD = "wsdeck-heartbeat".getBytes(StandardCharsets.US_ASCII);

	private final SessionRegistry sessions;

	private final TaskScheduler scheduler;

	private final Duration interval;

	private final int missedPongs;

	private final long idleTimeoutNanos;

	private final Counter deadPeers;

	private final Counter idleClosed;

	private volatile ScheduledFuture<?> sweep;

	Heartbeat(SessionRegistry sessions, @Qualifier("pushScheduler") TaskScheduler scheduler,
			WsdeckProperties properties, MeterRegistry meters) {
		this.sessions = sessions;
		this.scheduler = scheduler;
		this.interval = properties.heartbeat().interval();
		this.missedPongs = properties.heartbeat().missedPongs();
		this.idleTimeoutNanos = properties.heartbeat().idleTimeout().toNanos();
		this.deadPeers = Counter.builder("wsdeck.heartbeat.dead")
			.description("Sessions closed because they stopped answering pings")
			.register(meters);
		this.idleClosed = Counter.builder("wsdeck.heartbeat.idle")
			.description("Sessions closed by the idle timeout")
			.register(meters);
	}

	/** Whether a pong answers one of the heartbeat's pings (rather than a ping someone else sent). */
	public static boolean isAnswer(ByteBuffer pongPayload) {
		return ByteBuffer.wrap(PAYLOAD).equals(pongPayload);
	}

	void sweep() {
		for (ManagedSession session : this.sessions.all()) {
			if (session.closeSent() != null) {
				continue;
			}
			session.forgetUnansweredPingsIfAlive();
			if (session.unansweredPings() >= this.missedPongs) {
				log.info("Session {} answered none of the last {} pings: taking it for dead", session.getId(),
						session.unansweredPings());
				this.deadPeers.increment();
				session.closeLater(CloseStatus.GOING_AWAY.withReason("no pong to " + session.unansweredPings() + " pings "
						+ this.interval.toMillis() + " ms apart"));
			}
			else if (this.idleTimeoutNanos > 0 && session.idleNanos() > this.idleTimeoutNanos) {
				this.idleClosed.increment();
				session.closeLater(CloseStatus.GOING_AWAY.withReason(
						"idle: no message for " + TimeUnit.NANOSECONDS.toMillis(this.idleTimeoutNanos) + " ms"));
			}
			else {
				session.ping(PAYLOAD);
			}
		}
	}

	@Override
	public void start() {
		this.sweep = this.scheduler.scheduleAtFixedRate(this::sweep, this.interval);
	}

	@Override
	public void stop() {
		ScheduledFuture<?> running = this.sweep;
		if (running != null) {
			running.cancel(false);
		}
		this.sweep = null;
	}

	@Override
	public boolean isRunning() {
		return this.sweep != null;
	}

}
