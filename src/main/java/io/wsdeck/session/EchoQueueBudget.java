package io.wsdeck.session;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bytes of large echoes all sessions together may hold queued ({@code wsdeck.outbound.echo-queue-limit}). Each
 * session's queue is bounded by the send-buffer limit, but a thousand clients that each send 10 MB before reading
 * would still ask for 10 GB of heap. Past this budget an echo part is not queued: it is written by the reading
 * thread, as a streaming echo always was, which costs nothing but leaves a client that does not read while it
 * sends stalled (and, at the send-time limit, dropped). Whoever meets the budget spent logs it, once until it frees.
 */
public final class EchoQueueBudget {

	private static final Logger log = LoggerFactory.getLogger(EchoQueueBudget.class);

	private final long limit;

	private final AtomicLong used = new AtomicLong();

	private final AtomicBoolean spent = new AtomicBoolean();

	/** @param limit bytes that may be queued in all; 0 queues nothing */
	public EchoQueueBudget(long limit) {
		this.limit = limit;
	}

	/** Takes {@code bytes} from the budget if they fit. */
	boolean tryTake(long bytes) {
		long now;
		do {
			now = this.used.get();
			if (now + bytes > this.limit) {
				if (this.spent.compareAndSet(false, true)) {
					log.warn("Large echoes queued by all sessions reach {} bytes (wsdeck.outbound.echo-queue-limit): "
							+ "until half of that is free they stream from the reading thread, so clients that do not "
							+ "read while they send stall", this.limit);
				}
				return false;
			}
		}
		while (!this.used.compareAndSet(now, now + bytes));
		return true;
	}

	void release(long bytes) {
		if (bytes == 0) {
			return;
		}
		long now = this.used.addAndGet(-bytes);
		if (now <= this.limit / 2 && this.spent.compareAndSet(true, false)) {
			log.info("Large echoes queued by all sessions are down to {} bytes: they are queued again", now);
		}
	}

	/** Bytes queued now, by all sessions. */
	public long used() {
		return this.used.get();
	}

	public long limit() {
		return this.limit;
	}

}
