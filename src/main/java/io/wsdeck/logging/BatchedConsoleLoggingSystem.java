package io.wsdeck.logging;

import java.time.Duration;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import io.wsdeck.config.WsdeckProperties;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.logging.LogFile;
import org.springframework.boot.logging.LoggingInitializationContext;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.logging.LoggingSystemFactory;
import org.springframework.boot.logging.logback.LogbackLoggingSystem;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Spring Boot's Logback setup, unchanged (patterns, {@code logging.*} properties, the file appender), except that its
 * console appender is a {@link BufferedConsoleAppender} with {@code wsdeck.logging.console-flush-delay}, laying its
 * pattern out with a {@link ColourlessWhenPlainLayout} (the same text). Only Spring Boot's defaults are touched: a
 * Logback configuration of the operator's own ({@code logback-spring.xml}, {@code logging.config}) is used as
 * written.
 */
public class BatchedConsoleLoggingSystem extends LogbackLoggingSystem {

	/** The name Spring Boot gives its console appender. */
	static final String CONSOLE = "CONSOLE";

	public BatchedConsoleLoggingSystem(ClassLoader classLoader) {
		super(classLoader);
	}

	@Override
	protected void loadDefaults(LoggingInitializationContext initializationContext, LogFile logFile) {
		super.loadDefaults(initializationContext, logFile);
		Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME);
		Appender<ILoggingEvent> console = root.getAppender(CONSOLE);
		if (console != null && console.getClass() == ConsoleAppender.class) {
			// Added before the old one goes, so no line logged meanwhile is lost.
			root.addAppender(buffered((ConsoleAppender<ILoggingEvent>) console,
					flushDelay(initializationContext.getEnvironment())));
			root.detachAppender(console);
			console.stop();
		}
	}

	/** The same encoder (started already), filters and target as Spring Boot's appender. */
	private static BufferedConsoleAppender buffered(ConsoleAppender<ILoggingEvent> console, Duration flushDelay) {
		BufferedConsoleAppender buffered = new BufferedConsoleAppender();
		buffered.setContext(console.getContext());
		buffered.setName(CONSOLE);
		buffered.setTarget(console.getTarget());
		buffered.setEncoder(colourlessWhenPlain(console.getEncoder()));
		buffered.setFlushDelay(flushDelay);
		console.getCopyOfAttachedFiltersList().forEach(buffered::addFilter);
		buffered.start();
		return buffered;
	}

	/**
	 * Spring Boot's console pattern again, laid out by a {@link ColourlessWhenPlainLayout}. Any other encoder
	 * (structured logging's, say) is kept as it is.
	 */
	static Encoder<ILoggingEvent> colourlessWhenPlain(Encoder<ILoggingEvent> encoder) {
		if (!(encoder instanceof PatternLayoutEncoder boot)) {
			return encoder;
		}
		PatternLayout layout = new ColourlessWhenPlainLayout();
		layout.setContext(boot.getContext());
		layout.setPattern(boot.getPattern());
		layout.start();
		LayoutWrappingEncoder<ILoggingEvent> colourless = new LayoutWrappingEncoder<>();
		colourless.setContext(boot.getContext());
		colourless.setLayout(layout);
		colourless.setCharset(boot.getCharset());
		colourless.start();
		return colourless;
	}

	/**
	 * Read here because logging starts before {@link WsdeckProperties} is bound. A value that does not parse or is out
	 * of range gets the default here; binding {@code WsdeckProperties} then stops startup with a message naming it.
	 */
	static Duration flushDelay(Environment environment) {
		Duration fallback = BufferedConsoleAppender.DEFAULT_FLUSH_DELAY;
		if (environment == null) {
			return fallback;
		}
		try {
			Duration delay = Binder.get(environment)
				.bind(WsdeckProperties.Logging.CONSOLE_FLUSH_DELAY, Duration.class)
				.orElse(fallback);
			Duration max = Duration.ofSeconds(WsdeckProperties.Logging.MAX_CONSOLE_FLUSH_DELAY_SECONDS);
			return (delay.isNegative() || delay.compareTo(max) > 0) ? fallback : delay;
		}
		catch (RuntimeException ex) {
			return fallback;
		}
	}

	/** Chosen ahead of Spring Boot's own Logback factory whenever Logback is there. */
	@Order(Ordered.HIGHEST_PRECEDENCE + 1023)
	public static class Factory implements LoggingSystemFactory {

		private static final boolean PRESENT = ClassUtils.isPresent("ch.qos.logback.classic.LoggerContext",
				Factory.class.getClassLoader());

		@Override
		public LoggingSystem getLoggingSystem(ClassLoader classLoader) {
			return PRESENT ? new BatchedConsoleLoggingSystem(classLoader) : null;
		}

	}

}
