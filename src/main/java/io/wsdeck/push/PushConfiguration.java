package io.wsdeck.push;

import io.wsdeck.config.WsdeckProperties;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/** The one scheduler every session's ticks share. */
@Configuration(proxyBeanMethods = false)
class PushConfiguration {

	static final String SCHEDULER = "pushScheduler";

	@Bean(SCHEDULER)
	ThreadPoolTaskScheduler pushScheduler(WsdeckProperties properties) {
		ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
		scheduler.setPoolSize(properties.push().schedulerThreads());
		scheduler.setThreadNamePrefix("push-");
		scheduler.setRemoveOnCancelPolicy(true); // closed sessions' tasks must not linger in the queue
		scheduler.setAcceptTasksAfterContextClose(true); // ticks keep their order until SessionDrain closes them
		return scheduler;
	}

}
