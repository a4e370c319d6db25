package io.wsdeck.session;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A writer that never waits (a lab flood to a client that reads as fast as it is written to, a large broadcast
 * being compressed) must not hold up the other sessions' writes. The operating system time-slices platform threads;
 * the JDK does not take a carrier from a virtual thread until it waits, so with writers on virtual threads (as
 * wsdeck had on Java 21+) as many busy writers as cores stopped every other tick, broadcast, ping and lab answer.
 * CI runs this on Java 25 too.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class BusyWritersTest {

	/** Longer than any wait below: busy writers stop on their own should a test fail before it stops them. */
	private static final Duration BUSY_AT_MOST = Duration.ofSeconds(20);

	@Autowired
	ApplicationContext context;

	private volatile boolean stop;

	@AfterEach
	void stopBusyWriters() {
		this.stop = true;
	}

	@ParameterizedTest
	@ValueSource(strings = { PushSenderConfiguration.PUSH_SENDER, PushSenderConfiguration.ECHO_SENDER })
	void aWriteIsNotHeldUpByWritersThatNeverWait(String writers) throws InterruptedException {
		Executor executor = this.context.getBean(writers, Executor.class);
		int cores = Runtime.getRuntime().availableProcessors();
		CountDownLatch busy = new CountDownLatch(cores);
		for (int i = 0; i < cores; i++) {
			executor.execute(() -> {
				busy.countDown();
				spinUntilStopped();
			});
		}
		assertThat(busy.await(5, TimeUnit.SECONDS)).as("busy writers started").isTrue();

		CountDownLatch written = new CountDownLatch(1);
		executor.execute(written::countDown);

		assertThat(written.await(5, TimeUnit.SECONDS)).as("another write ran beside %d busy writers", cores).isTrue();
	}

	/** Work that never parks its thread, as a write that always finds room does. */
	private void spinUntilStopped() {
		long end = System.nanoTime() + BUSY_AT_MOST.toNanos();
		long sum = 0;
		while (!this.stop && System.nanoTime() < end) {
			sum += System.nanoTime() % 7;
		}
		if (sum == 42) {
			Thread.onSpinWait(); // keeps the loop from being optimised away
		}
	}

}
