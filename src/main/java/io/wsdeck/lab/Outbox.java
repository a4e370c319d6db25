package io.wsdeck.lab;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;

import org.springframework.scheduling.TaskScheduler;

/**
 * One lab session's answers, sent strictly in the order their messages arrived, each no earlier than its due time,
 * one at a time, by a writer thread; the lab's shared scheduler only wakes a session whose next answer is delayed.
 * <p>
 * Order is the point: a delayed echo holds back everything that arrived after it, so a client never sees answers
 * overtake each other, however the delay changes. Answers run off the container's read thread, so a ten-second
 * flood or a sixty-second delay never stops the server reading the client's pongs and close. Nothing runs on a
 * timer thread per session and nothing sleeps: a waiting head re-schedules the drain for its due time. A flood
 * holds its writer for as long as the client takes to read it, so the writers are not a small shared pool: a few
 * clients that stop reading their floods must not hold up every other lab session's answers.
 * <p>
 * The backlog is bounded in entries and bytes; {@link #add} refuses beyond that, and the caller closes the session
 * rather than drop a message silently.
 */
final class Outbox {

	/** An answer to one message; {@link IOException} means the connection is gone. */
	@FunctionalInterface
	interface Answer {

		void send() throws IOException;

	}

	/** What to do with the rest of the backlog when an answer fails. */
	@FunctionalInterface
	interface FailureHandler {

		void failed(Exception ex);

	}

	private record Entry(Answer answer, long dueNanos, long bytes) {
	}

	private final TaskScheduler scheduler;

	private final Executor writers;

	private final int maxEntries;

	private final long maxBytes;

	private final FailureHandler onFailure;

	/** Guarded by {@code this}, as are the fields below. */
	private final Queue<Entry> entries = new ArrayDeque<>();

	private long bytes;

	/** A drain is scheduled or running; it will see every entry added meanwhile. */
	private boolean draining;

	private boolean closed;

	/** The drain waiting for the head's due time, cancelled on close so a 60-second wait does not outlive the session. */
	private ScheduledFuture<?> wakeUp;

	Outbox(TaskScheduler scheduler, Executor writers, int maxEntries, long maxBytes, FailureHandler onFailure) {
		this.scheduler = scheduler;
		this.writers = writers;
		this.maxEntries = maxEntries;
		this.maxBytes = maxBytes;
		this.onFailure = onFailure;
	}

	/**
	 * Queues an answer behind every earlier one.
	 * @param dueNanos {@link System#nanoTime()} before which it must not be sent
	 * @param bytes what it holds in memory while it waits, counted against the byte bound
	 * @return {@code false} if the backlog is full; the answer was not queued
	 */
	synchronized boolean add(Answer answer, long dueNanos, long bytes) {
		if (this.closed) {
			return true; // the session is closing: nothing more is answered, and there is no one to tell
		}
		if (this.entries.size() >= this.maxEntries || this.bytes + bytes > this.maxBytes) {
			return false;
		}
		this.entries.add(new Entry(answer, dueNanos, bytes));
		this.bytes += bytes;
		if (!this.draining) {
			this.draining = true;
			schedule(dueNanos);
		}
		return true;
	}

	/** Discards what is waiting; an answer being sent finishes (a flood stops at its next message). */
	synchronized void close() {
		this.closed = true;
		this.entries.clear();
		this.bytes = 0;
		if (this.wakeUp != null) {
			this.wakeUp.cancel(false);
		}
	}

	int maxEntries() {
		return this.maxEntries;
	}

	long maxBytes() {
		return this.maxBytes;
	}

	private void drain() {
		while (true) {
			Entry next;
			synchronized (this) {
				next = this.entries.peek();
				if (next == null || this.closed) {
					this.draining = false;
					return;
				}
				if (next.dueNanos() - System.nanoTime() > 0) {
					schedule(next.dueNanos()); // still draining: entries added meanwhile wait behind this one
					return;
				}
				this.entries.remove();
				this.bytes -= next.bytes();
			}
			try {
				next.answer().send();
			}
			catch (IOException | RuntimeException ex) {
				close();
				synchronized (this) {
					this.draining = false;
				}
				this.onFailure.failed(ex);
				return;
			}
		}
	}

	/** Called holding the lock. */
	private void schedule(long dueNanos) {
		long wait = dueNanos - System.nanoTime();
		if (wait <= 0) {
			startDrain();
		}
		else {
			this.wakeUp = this.scheduler.schedule(this::startDrain, Instant.now().plus(Duration.ofNanos(wait)));
		}
	}

	private void startDrain() {
		try {
			this.writers.execute(this::drain);
		}
		catch (RejectedExecutionException ex) { // the server is stopping, and every session has been sent its 1001
			close();
			synchronized (this) {
				this.draining = false;
			}
		}
	}

}
