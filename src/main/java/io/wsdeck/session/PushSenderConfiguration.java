package io.wsdeck.session;

import java.util.concurrent.Executor;

import io.wsdeck.config.WsdeckProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * The threads that write pushes, pings and non-blocking closes. A write to a client that stopped reading blocks
 * its thread for up to the send-time limit, so these must never be the scheduler's or a request's threads. On
 * Java 21+ each write gets a virtual thread, and a thousand stuck clients cost nothing; on Java 17-20 a fixed
 * pool does the work, and when every thread is stuck, other sessions' pushes wait for one to time out.
 */
@Configuration(proxyBeanMethods = false)
class PushSenderConfiguration {

	private static final Logger log = LoggerFactory.getLogger(PushSenderConfiguration.class);

	static final String PUSH_SENDER = "pushSender";

	@Bean(PUSH_SENDER)
	Executor pushSender(WsdeckProperties properties) {
		if (Runtime.version().feature() >= 21) {
			SimpleAsyncTaskExecutor virtual = new SimpleAsyncTaskExecutor("push-send-");
			virtual.setVirtualThreads(true);
			log.debug("Pushes are written on virtual threads");
			return virtual;
		}
		ThreadPoolTaskExecutor pool = new ThreadPoolTaskExecutor();
		pool.setCorePoolSize(properties.outbound().pushThreads());
		pool.setMaxPoolSize(properties.outbound().pushThreads());
		pool.setAllowCoreThreadTimeOut(true); // an idle server keeps no push threads
		pool.setThreadNamePrefix("push-send-");
		// Keep writing while the context closes: SessionDrain's 1001 closes go out through these threads.
		pool.setAcceptTasksAfterContextClose(true);
		pool.initialize();
		log.debug("Pushes are written by up to {} threads", properties.outbound().pushThreads());
		return pool;
	}

}
