package io.wsdeck.lab;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/** The one scheduler every lab session's answers share. */
@Configuration(proxyBeanMethods = false)
class LabConfiguration {

	static final String SCHEDULER = "labScheduler";

	/**
	 * Its own threads, not the push scheduler's: a flood holds a thread while it runs, which must not hold up
	 * other sessions' ticks. A few floods at once delay other lab sessions' answers, never their reads.
	 */
	private static final int THREADS = 4;

	@Bean(SCHEDULER)
	ThreadPoolTaskScheduler labScheduler() {
		ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
		scheduler.setPoolSize(THREADS);
		scheduler.setThreadNamePrefix("lab-");
		scheduler.setRemoveOnCancelPolicy(true);
		return scheduler;
	}

}
