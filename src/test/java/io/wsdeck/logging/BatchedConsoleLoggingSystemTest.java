package io.wsdeck.logging;

import java.time.Duration;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Layout;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ansi.AnsiOutput;
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
			assertThat(console.getEncoder()).isInstanceOfSatisfying(LayoutWrappingEncoder.class,
					(encoder) -> assertThat(encoder.getLayout()).isInstanceOfSatisfying(ColourlessWhenPlainLayout.class,
							(layout) -> assertThat(layout.getPattern()).contains("%clr(").contains("%m%n")));
		});
		assertThat(root.iteratorForAppenders()).toIterable().hasSize(1);
	}

	/** Spring Boot's own pattern and converters, against the console's layout: the same line, colours on or off. */
	@Test
	void theConsolesLinesAreSpringBootsWithColoursOnAndOff() {
		LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
		BufferedConsoleAppender console = (BufferedConsoleAppender) context.getLogger(Logger.ROOT_LOGGER_NAME)
			.getAppender("CONSOLE");
		Layout<ILoggingEvent> wsdecks = ((LayoutWrappingEncoder<ILoggingEvent>) console.getEncoder()).getLayout();
		PatternLayout springBoots = new PatternLayout();
		springBoots.setContext(context);
		springBoots.setPattern(((PatternLayout) wsdecks).getPattern());
		springBoots.start();
		LoggingEvent event = new LoggingEvent(Logger.class.getName(), context.getLogger("io.wsdeck.session.Sample"),
				Level.WARN, "Closed session {} with {}", new IllegalStateException("gone"), new Object[] { "s1", 1011 });
		try {
			AnsiOutput.setEnabled(AnsiOutput.Enabled.NEVER);
			String plain = wsdecks.doLayout(event);
			assertThat(plain).isEqualTo(springBoots.doLayout(event)).doesNotContain("\u001B[")
				.contains(" WARN ", "Closed session s1 with 1011", "java.lang.IllegalStateException: gone");
			AnsiOutput.setEnabled(AnsiOutput.Enabled.ALWAYS);
			assertThat(wsdecks.doLayout(event)).isEqualTo(springBoots.doLayout(event)).contains("\u001B[33m WARN")
				.isNotEqualTo(plain);
		}
		finally {
			AnsiOutput.setEnabled(AnsiOutput.Enabled.DETECT);
		}
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
