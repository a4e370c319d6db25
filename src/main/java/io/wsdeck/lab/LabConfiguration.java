package io.wsdeck.lab;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/** The one scheduler that wakes lab sessions whose answers are delayed ({@code delay MS}). */
@Configuration(proxyBeanMethods = false)
class LabConfiguration {

	static final String SCHEDULER = "labScheduler";

	/**
	 * Its own thread, not the push scheduler's, though it only hands the answers to their writers ({@link Outbox}):
	 * a wake-up must not wait behind other sessions' ticks, nor they behind a lab session's.
	 */
	private static final int THREADS = 1;

	@Bean(SCHEDULER)
	ThreadPoolTaskScheduler labScheduler() {
		ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
		scheduler.setPoolSize(THREADS);
		scheduler.setThreadNamePrefix("lab-");
		scheduler.setRemoveOnCancelPolicy(true);
		return scheduler;
	}

}
