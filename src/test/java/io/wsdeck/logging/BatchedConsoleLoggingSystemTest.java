package io.wsdeck.logging;

import java.time.Duration;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/** wsdeck's application logs through Spring Boot's Logback defaults with the console appender batched. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class BatchedConsoleLoggingSystemTest {

	@Test
	void springBootChoosesItWhereverLogbackIs() {
		assertThat(LoggingSystem.get(getClass().getClassLoader())).isInstanceOf(BatchedConsoleLoggingSystem.class);
	}

	@Test
	void theRunningApplicationsConsoleIsBufferedWithSpringBootsPattern() {
		Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME);

		assertThat(root.getAppender("CONSOLE")).isInstanceOfSatisfying(BufferedConsoleAppender.class, (console) -> {
			assertThat(console.isStarted()).isTrue();
			assertThat(console.getFlushDelay()).isEqualTo(Duration.ofMillis(10));
			assertThat(console.getTarget()).isEqualTo("System.out");
			assertThat(console.getEncoder()).isInstanceOfSatisfying(PatternLayoutEncoder.class,
					(encoder) -> assertThat(encoder.getPattern()).contains("%clr(").contains("%m%n"));
		});
		assertThat(root.iteratorForAppenders()).toIterable().hasSize(1);
	}

	@Test
	void theDelayIsReadFromTheEnvironmentAndAnInvalidOneLeftToStartupValidation() {
		assertThat(delay("250ms")).isEqualTo(Duration.ofMillis(250));
		assertThat(delay("0ms")).isZero();
		assertThat(delay(null)).isEqualTo(Duration.ofMillis(10));
		assertThat(delay("5s")).as("over the 1 s maximum").isEqualTo(Duration.ofMillis(10));
		assertThat(delay("-1ms")).isEqualTo(Duration.ofMillis(10));
		assertThat(delay("soon")).isEqualTo(Duration.ofMillis(10));
	}

	private static Duration delay(String value) {
		MockEnvironment environment = new MockEnvironment();
		if (value != null) {
			environment.setProperty("wsdeck.logging.console-flush-delay", value);
		}
		return BatchedConsoleLoggingSystem.flushDelay(environment);
	}

}
