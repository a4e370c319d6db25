package io.wsdeck.logging;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The console appender on a real Logback context, its console replaced by a stream that records each write. */
class BufferedConsoleAppenderTest {

	/** Lines of {@link #LINE_BYTES} a held-back logger tries to log: about 2 MB, twice what may wait. */
	private static final int LINES = 2_000;

	private static final int LINE_BYTES = 1029;

	private final LoggerContext context = new LoggerContext();

	private final Console console = new Console();

	private BufferedConsoleAppender appender;

	@AfterEach
	void stop() {
		this.console.open();
		this.context.stop();
	}

	@Test
	void anInfoLineWaitsForTheDelayAndAWarningTakesItAlongInOneWrite() {
		Logger log = logger(Duration.ofSeconds(30));
		log.info("opened 1");
		assertThat(this.console.text()).as("nothing written before the delay").isEmpty();

		log.warn("slow consumer");

		assertThat(this.console.text()).isEqualTo("INFO opened 1\nWARN slow consumer\n");
		assertThat(this.console.writes()).isEqualTo(1);
	}

	@Test
	void anInfoLineIsWrittenWhenTheDelayIsOver() {
		Logger log = logger(Duration.ofMillis(20));
		log.info("opened 1");

		await().atMost(Duration.ofSeconds(5)).until(() -> this.console.text().equals("INFO opened 1\n"));
	}

	@Test
	void aTimedWriteThatFailsStopsTheAppenderAsLogbacksOwnWould() {
		Logger log = logger(Duration.ofMillis(20));
		this.console.failWrites();
		log.info("opened 1");

		await().atMost(Duration.ofSeconds(5)).until(() -> !this.appender.isStarted());
	}

	@Test
	void aZeroDelayWritesEveryLineAtOnce() {
		Logger log = logger(Duration.ZERO);
		log.info("opened 1");
		assertThat(this.console.text()).isEqualTo("INFO opened 1\n");
		log.info("closed 1");
		assertThat(this.console.text()).isEqualTo("INFO opened 1\nINFO closed 1\n");
		assertThat(this.console.writes()).isEqualTo(2);
	}

	@Test
	void stoppingWritesWhatIsWaiting() {
		Logger log = logger(Duration.ofSeconds(30));
		log.info("closed 1");

		this.context.stop(); // as Spring Boot's shutdown hook does

		assertThat(this.console.text()).isEqualTo("INFO closed 1\n");
	}

	@Test
	void linesFromManyThreadsArriveWholeInTheirOrderAndShareWrites() throws Exception {
		Logger log = logger(Duration.ofMillis(1));
		int threads = 8;
		int lines = 5_000;
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			List<Future<?>> done = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int thread = t;
				done.add(pool.submit(() -> {
					for (int i = 0; i < lines; i++) {
						log.info("thread {} line {}", thread, i);
					}
				}));
			}
			for (Future<?> each : done) {
				each.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		this.context.stop();

		String[] written = this.console.text().split("\n");
		assertThat(written).hasSize(threads * lines);
		for (int t = 0; t < threads; t++) {
			String prefix = "INFO thread " + t + " line ";
			List<String> own = Arrays.stream(written).filter((line) -> line.startsWith(prefix)).toList();
			assertThat(own).hasSize(lines);
			for (int i = 0; i < lines; i++) {
				assertThat(own.get(i)).isEqualTo(prefix + i);
			}
		}
		assertThat(this.console.writes()).as("writes for %d lines", threads * lines).isLessThan(threads * lines / 10);
	}

	@Test
	void aConsoleThatStopsReadingHoldsLoggersBackInsteadOfFillingTheHeap() throws Exception {
		Logger log = logger(Duration.ofSeconds(30));
		AtomicInteger logged = new AtomicInteger();
		Thread logger = heldBackBehindAStuckWrite(log, logged);
		assertThat((long) logged.get() * LINE_BYTES).as("bytes waiting when the logger was held back")
			.isBetween((long) BufferedConsoleAppender.MAX_PENDING - LINE_BYTES,
					(long) BufferedConsoleAppender.MAX_PENDING + LINE_BYTES);

		this.console.open();
		logger.join(TimeUnit.SECONDS.toMillis(30));
		this.context.stop();
		assertThat(this.console.text().split("\n")).hasSize(1 + LINES);
	}

	@Test
	void loggersHeldBackByAWriteThatFailsAreLetGo() throws Exception {
		Logger log = logger(Duration.ofSeconds(30));
		Thread logger = heldBackBehindAStuckWrite(log, new AtomicInteger());

		this.console.failWrites(); // the stuck write ends in an IOException, as on a closed pipe
		this.console.open();

		logger.join(TimeUnit.SECONDS.toMillis(10));
		assertThat(logger.isAlive()).as("logger still held back").isFalse();
		assertThat(this.appender.isStarted()).as("stopped by Logback after the failed write").isFalse();
	}

	/** A console that stops reading under a WARN line, and a thread logging {@link #LINES} lines of 1 KiB after it. */
	private Thread heldBackBehindAStuckWrite(Logger log, AtomicInteger logged) {
		this.console.close(); // the next write blocks until the console reads again
		new Thread(() -> log.warn("stuck")).start();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.console.blockedWrites() == 1);
		String line = "x".repeat(LINE_BYTES - "INFO \n".length());
		Thread logger = new Thread(() -> {
			for (int i = 0; i < LINES; i++) {
				log.info(line);
				logged.incrementAndGet();
			}
		});
		logger.start();
		await().atMost(Duration.ofSeconds(5)).until(() -> logger.getState() == Thread.State.WAITING);
		return logger;
	}

	private Logger logger(Duration flushDelay) {
		this.context.setMDCAdapter(new LogbackMDCAdapter());
		PatternLayoutEncoder encoder = new PatternLayoutEncoder();
		encoder.setContext(this.context);
		encoder.setPattern("%level %msg%n");
		encoder.start();
		this.appender = new BufferedConsoleAppender();
		this.appender.setContext(this.context);
		this.appender.setEncoder(encoder);
		this.appender.setFlushDelay(flushDelay);
		this.appender.start();
		this.appender.setOutputStream(this.console);
		Logger logger = this.context.getLogger("test");
		logger.addAppender(this.appender);
		return logger;
	}

	/** A console that records each write, and can stop reading (block writes) until opened again. */
	static final class Console extends OutputStream {

		private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

		private final AtomicInteger writes = new AtomicInteger();

		private final AtomicInteger blocked = new AtomicInteger();

		private volatile CountDownLatch reading = new CountDownLatch(0);

		private volatile boolean failing;

		@Override
		public void write(int b) throws IOException {
			write(new byte[] { (byte) b }, 0, 1);
		}

		@Override
		public void write(byte[] b, int off, int len) throws IOException {
			if (this.reading.getCount() > 0) {
				this.blocked.incrementAndGet();
				try {
					this.reading.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			if (this.failing) {
				throw new IOException("Broken pipe");
			}
			synchronized (this.bytes) {
				this.bytes.write(b, off, len);
			}
			this.writes.incrementAndGet();
		}

		String text() {
			synchronized (this.bytes) {
				return this.bytes.toString(StandardCharsets.UTF_8);
			}
		}

		int writes() {
			return this.writes.get();
		}

		int blockedWrites() {
			return this.blocked.get();
		}

		@Override
		public void close() {
			this.reading = new CountDownLatch(1);
		}

		void open() {
			this.reading.countDown();
		}

		void failWrites() {
			this.failing = true;
		}

	}

}
