package io.wsdeck.logging;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import io.wsdeck.config.WsdeckProperties;

import org.springframework.boot.convert.DurationStyle;

/**
 * Logback's console appender, writing lines in batches: a line waits at most {@link #setFlushDelay flush delay}
 * (unless a batch fills first), and a line at WARN or above goes out at once with everything before it.
 * <p>
 * Logback's own appender makes one {@code write} system call per line, under a lock. wsdeck logs a line when each
 * session opens and closes, so a server taking thousands of handshakes a second spent a sixth of its CPU writing
 * them one by one (the benchmark's handshake churn). The logging thread still formats its own line (its time,
 * thread and message are as before); it only hands the bytes over. Nothing is dropped: a console that stops reading
 * (a full pipe) makes logging threads wait once {@link #MAX_PENDING} bytes are waiting, as Logback's would wait on
 * the write itself; stopping (Spring Boot's shutdown hook) writes what is left. What a batch does give up is the
 * last few milliseconds of INFO lines when the process is killed outright ({@code kill -9}); a delay of zero writes
 * every line at once, as Logback does.
 */
public class BufferedConsoleAppender extends ConsoleAppender<ILoggingEvent> {

	/** wsdeck's default for {@code wsdeck.logging.console-flush-delay}. */
	static final Duration DEFAULT_FLUSH_DELAY = DurationStyle
		.detectAndParse(WsdeckProperties.Logging.DEFAULT_CONSOLE_FLUSH_DELAY);

	/** Bytes waiting beyond which a logging thread waits for them to be written. */
	static final int MAX_PENDING = 1 << 20;

	/** Bytes waiting at which the logging thread writes them itself instead of leaving them for the timer. */
	static final int WRITE_AT = 64 * 1024;

	private final ReentrantLock handOver = new ReentrantLock();

	/** Signalled whenever the waiting lines are taken for writing or no one is writing any more. */
	private final Condition taken = this.handOver.newCondition();

	private Duration flushDelay = DEFAULT_FLUSH_DELAY;

	private ScheduledThreadPoolExecutor timer;

	/** Lines waiting to be written; guarded by {@link #handOver}. */
	private ByteArrayOutputStream pending = new ByteArrayOutputStream(8192);

	/** The batch being written, swapped with {@link #pending} each round; touched only by the writing thread. */
	private ByteArrayOutputStream batch = new ByteArrayOutputStream(8192);

	/** Whether a thread is writing; guarded by {@link #handOver}. */
	private boolean writing;

	/** Whether the timer will write the waiting lines; guarded by {@link #handOver}. */
	private boolean flushScheduled;

	/** How long a line below WARN may wait for others to join its write; zero writes each line at once. */
	public void setFlushDelay(Duration flushDelay) {
		this.flushDelay = flushDelay;
	}

	public Duration getFlushDelay() {
		return this.flushDelay;
	}

	@Override
	public void start() {
		if (!this.flushDelay.isZero()) {
			this.timer = new ScheduledThreadPoolExecutor(1, (task) -> {
				Thread thread = new Thread(task, "console-flush");
				thread.setDaemon(true);
				return thread;
			});
		}
		super.start();
	}

	@Override
	protected void writeOut(ILoggingEvent event) throws IOException {
		byte[] line = this.encoder.encode(event);
		boolean now = this.timer == null || event.getLevel().isGreaterOrEqual(Level.WARN);
		this.handOver.lock();
		try {
			// Only a writing thread takes lines away; with none (its write failed), this thread becomes the writer.
			while (this.writing && this.pending.size() >= MAX_PENDING) {
				this.taken.awaitUninterruptibly();
			}
			this.pending.write(line, 0, line.length);
			if (!now && this.pending.size() < WRITE_AT && scheduleFlush()) {
				return;
			}
			if (this.writing) {
				return; // the writing thread takes these lines in its next round
			}
			this.writing = true;
		}
		finally {
			this.handOver.unlock();
		}
		writeUntilNothingPending();
	}

	/** Called holding {@link #handOver}; false when the timer has been shut down (the appender is stopping). */
	private boolean scheduleFlush() {
		if (!this.flushScheduled) {
			try {
				this.timer.schedule(this::flushFromTimer, this.flushDelay.toNanos(), TimeUnit.NANOSECONDS);
			}
			catch (RejectedExecutionException ex) {
				return false;
			}
			this.flushScheduled = true;
		}
		return true;
	}

	private void flushFromTimer() {
		this.handOver.lock();
		try {
			this.flushScheduled = false;
			if (this.writing || this.pending.size() == 0) {
				return;
			}
			this.writing = true;
		}
		finally {
			this.handOver.unlock();
		}
		try {
			writeUntilNothingPending();
		}
		catch (IOException ex) {
			// As Logback's own appender does when a logging thread's write fails.
			this.started = false;
			addError("Could not write to the console", ex);
		}
	}

	/** Writes, one system call a round, until no lines are waiting; lines that arrive meanwhile join the next round. */
	private void writeUntilNothingPending() throws IOException {
		try {
			while (takePending()) {
				OutputStream out = getOutputStream();
				this.batch.writeTo(out);
				out.flush();
				// A burst's megabyte is not kept for the life of the process.
				this.batch = (this.batch.size() > WRITE_AT) ? new ByteArrayOutputStream(8192) : this.batch;
				this.batch.reset();
			}
		}
		catch (IOException | RuntimeException | Error ex) {
			this.batch.reset();
			stopWriting();
			throw ex;
		}
	}

	/** Swaps the waiting lines into {@link #batch}; false, and no longer writing, when there are none. */
	private boolean takePending() {
		this.handOver.lock();
		try {
			boolean any = this.pending.size() > 0;
			if (any) {
				ByteArrayOutputStream taking = this.pending;
				this.pending = this.batch;
				this.batch = taking;
			}
			else {
				this.writing = false;
			}
			this.taken.signalAll();
			return any;
		}
		finally {
			this.handOver.unlock();
		}
	}

	private void stopWriting() {
		this.handOver.lock();
		try {
			this.writing = false;
			this.taken.signalAll();
		}
		finally {
			this.handOver.unlock();
		}
	}

	/**
	 * Waits for a write in progress, then writes what is left, before Logback lets go of the stream. The timer goes
	 * first, so that a line logged meanwhile is written by its own thread rather than left to a timer that is gone.
	 */
	@Override
	public void stop() {
		if (isStarted()) {
			if (this.timer != null) {
				this.timer.shutdownNow();
			}
			try {
				writeWhatIsPending();
			}
			catch (IOException ex) {
				addError("Could not write the last console lines", ex);
			}
		}
		super.stop();
	}

	private void writeWhatIsPending() throws IOException {
		this.handOver.lock();
		try {
			while (this.writing) {
				this.taken.awaitUninterruptibly();
			}
			this.writing = true;
		}
		finally {
			this.handOver.unlock();
		}
		writeUntilNothingPending();
	}

}
