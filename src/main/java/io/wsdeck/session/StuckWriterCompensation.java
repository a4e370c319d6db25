package io.wsdeck.session;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.task.TaskDecorator;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * Keeps the writer pools from being taken whole by clients that stopped reading.
 * <p>
 * There a write to such a client blocks its platform thread for up to the send-time limit (Tomcat's blocking send),
 * so with a fixed pool, as many of them as the pool has threads held up every other session's pushes and pings for
 * that long: an outside audit saw 34 paused clients delay 20 readers' broadcasts by up to 10 s, against 28 ms with
 * 30. Here each pool's tasks are watched, and for every one that has run longer than {@link #STUCK_MILLIS} the pool
 * gets one more thread, up to {@link #MAX_EXTRA_THREADS} more, so its configured number stays free for the writes
 * that go through. The extra threads end once the stuck writes have (they are core threads that time out idle).
 * A task that runs long because it has much to write to a fast client counts too; it also holds a thread.
 */
final class StuckWriterCompensation implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(StuckWriterCompensation.class);

	/** How long a task may hold its thread before another is added in its place. */
	private static final long STUCK_MILLIS = 200;

	/** How often the pools are looked at. */
	private static final long CHECK_MILLIS = 100;

	/** At most this many threads are added to a pool: each blocked one is a platform thread with its stack. */
	private static final int MAX_EXTRA_THREADS = 1000;

	private final ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "stuck-writer-watch");
		thread.setDaemon(true);
		return thread;
	});

	/** Watches {@code pool}, whose configured size is {@code threads}; call before it is initialized. */
	void watch(ThreadPoolTaskExecutor pool, int threads, String what) {
		Watched watched = new Watched(pool, threads, what);
		pool.setTaskDecorator(watched);
		this.watch.scheduleWithFixedDelay(() -> {
			try {
				watched.adjust();
			}
			catch (RuntimeException ex) { // a task that throws is never run again: keep watching
				log.warn("Could not resize the {} writers' pool: {}", what, ex.toString());
			}
		}, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
	}

	@Override
	public void close() {
		this.watch.shutdownNow();
	}

	/** One pool, the tasks it is running and how many threads it has been given for those that are stuck. */
	private static final class Watched implements TaskDecorator {

		private final ThreadPoolTaskExecutor pool;

		private final int threads;

		private final String what;

		/** When each of the pool's threads that runs a task started it: a thread runs one task at a time. */
		private final Map<Thread, Long> running = new ConcurrentHashMap<>();

		private int extra;

		private boolean warned;

		Watched(ThreadPoolTaskExecutor pool, int threads, String what) {
			this.pool = pool;
			this.threads = threads;
			this.what = what;
		}

		@Override
		public Runnable decorate(Runnable task) {
			return () -> {
				Thread thread = Thread.currentThread();
				this.running.put(thread, System.nanoTime());
				try {
					task.run();
				}
				finally {
					this.running.remove(thread);
				}
			};
		}

		/** Gives the pool one thread more than configured for each of its tasks that is stuck (watch thread only). */
		void adjust() {
			long stuckSince = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(STUCK_MILLIS);
			int stuck = (int) this.running.values().stream().filter((started) -> started - stuckSince < 0).count();
			int wanted = Math.min(stuck, MAX_EXTRA_THREADS);
			if (wanted == this.extra) {
				return;
			}
			int size = this.threads + wanted;
			if (wanted > this.extra) {
				this.pool.setMaxPoolSize(size); // the maximum first: the core size may never pass it
				this.pool.setCorePoolSize(size); // starts threads for the tasks waiting
			}
			else {
				this.pool.setCorePoolSize(size);
				this.pool.setMaxPoolSize(size);
			}
			report(stuck, wanted);
			this.extra = wanted;
		}

		/**
		 * A WARN line when the pool reaches its most threads, as from then on the others' writes wait, and an INFO
		 * line when it is back to its configured size; the steps between are DEBUG, as a long write to a fast client
		 * makes one too.
		 */
		private void report(int stuck, int wanted) {
			if (wanted == MAX_EXTRA_THREADS && this.extra < MAX_EXTRA_THREADS) {
				log.warn("{} writers: {} tasks have held their threads for over {} ms (writes to clients that do not "
						+ "read, mostly); {} threads more than the configured {} is the most they get, so other "
						+ "sessions' writes now wait", this.what, stuck, STUCK_MILLIS, MAX_EXTRA_THREADS, this.threads);
				this.warned = true;
			}
			else if (wanted == 0 && this.warned) {
				log.info("{} writers: none held up any longer, back to {} threads", this.what, this.threads);
				this.warned = false;
			}
			log.debug("{} writers: {} tasks held up, {} threads", this.what, stuck, this.threads + wanted);
		}

	}

}
