package io.wsdeck.push;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicLong;

import io.wsdeck.session.ManagedSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * Sends each ticking session a numbered message every interval, all sessions on one shared scheduler (no thread
 * per session). A fixed-rate task never overlaps itself, so a session's ticks stay in sequence.
 */
@Component
public class Ticker {

	private static final Logger log = LoggerFactory.getLogger(Ticker.class);

	private final TaskScheduler scheduler;

	private final Map<String, ScheduledFuture<?>> running = new ConcurrentHashMap<>();

	public Ticker(@Qualifier(PushConfiguration.SCHEDULER) TaskScheduler scheduler) {
		this.scheduler = scheduler;
	}

	void start(ManagedSession session, Duration interval) {
		AtomicLong sequence = new AtomicLong();
		ScheduledFuture<?> task = this.scheduler.scheduleAtFixedRate(
				() -> tick(session, sequence.incrementAndGet(), interval), Instant.now().plus(interval), interval);
		this.running.put(session.getId(), task);
		log.debug("Session {} ticks every {} ms", session.getId(), interval.toMillis());
	}

	void stop(WebSocketSession session) {
		ScheduledFuture<?> task = this.running.remove(session.getId());
		if (task != null) {
			task.cancel(false);
		}
	}

	int ticking() {
		return this.running.size();
	}

	private void tick(ManagedSession session, long sequence, Duration interval) {
		String json = "{\"type\":\"tick\",\"seq\":" + sequence + ",\"intervalMs\":" + interval.toMillis()
				+ ",\"serverTime\":\"" + Instant.now() + "\"}";
		if (!session.push(new TextMessage(json))) {
			log.debug("Tick {} not queued for closing session {}", sequence, session.getId());
			stop(session);
		}
	}

}
