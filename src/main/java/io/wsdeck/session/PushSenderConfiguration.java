package io.wsdeck.session;

import java.util.concurrent.Executor;

import io.wsdeck.config.WsdeckProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * The threads that write pushes and pings, and those that write large echoes and closes. A write to a client that
 * stopped reading blocks its thread for up to the send-time limit, so these must never be the scheduler's or a
 * request's threads. Each is a pool of the configured size, given a thread more for each of its writes that is stuck
 * ({@link StuckWriterCompensation}).
 * <p>
 * Platform threads on every Java version, not virtual threads on 21+: the JDK runs virtual threads on as many
 * carriers as there are cores and never takes one away from a virtual thread that does not wait. A writer sending to
 * a client that reads as fast as it writes (a lab flood), or compressing a large broadcast, rarely waits, so on two
 * cores two of them held up every other session's ticks, broadcasts, pings and lab answers: ticks 50 ms apart arrived
 * up to 3.1 s apart beside 20 clients taking 4 MB compressed broadcasts, against 167 ms with these pools on the same
 * Java 25. The operating system time-slices platform threads.
 */
@Configuration(proxyBeanMethods = false)
class PushSenderConfiguration {

	private static final Logger log = LoggerFactory.getLogger(PushSenderConfiguration.class);

	static final String PUSH_SENDER = "pushSender";

	static final String ECHO_SENDER = "echoSender";

	@Bean
	StuckWriterCompensation stuckWriterCompensation() {
		return new StuckWriterCompensation();
	}

	@Bean(PUSH_SENDER)
	Executor pushSender(WsdeckProperties properties, StuckWriterCompensation compensation) {
		return writers("push-send-", "Push", properties.outbound().pushThreads(), compensation);
	}

	/**
	 * The threads that write the queued parts of large echoes, apart from the push senders: a client reading a
	 * large echo slowly holds its writer for as long as it reads, and must not hold up other sessions' ticks,
	 * broadcasts and heartbeat pings. Closes that wait for a write in progress are sent from these too, for the same
	 * reason ({@link ManagedSession#closeLater}).
	 */
	@Bean(ECHO_SENDER)
	Executor echoSender(WsdeckProperties properties, StuckWriterCompensation compensation) {
		return writers("echo-send-", "Echo", properties.outbound().echoThreads(), compensation);
	}

	private static Executor writers(String prefix, String what, int threads, StuckWriterCompensation compensation) {
		ThreadPoolTaskExecutor pool = new ThreadPoolTaskExecutor();
		pool.setCorePoolSize(threads);
		pool.setMaxPoolSize(threads);
		pool.setAllowCoreThreadTimeOut(true); // an idle server keeps no writer threads
		pool.setThreadNamePrefix(prefix);
		// Keep writing while the context closes: SessionDrain's 1001 closes go out through the echo senders.
		pool.setAcceptTasksAfterContextClose(true);
		compensation.watch(pool, threads, what);
		pool.initialize();
		log.debug("{} writers are {} threads, and one more for each stuck", what, threads);
		return pool;
	}

}
