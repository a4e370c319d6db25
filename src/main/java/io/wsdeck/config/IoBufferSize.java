package io.wsdeck.config;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.util.unit.DataSize;

/**
 * Applies {@code wsdeck.limits.io-buffer-size} to Tomcat's WebSocket frame buffers (which wsdeck's copies of
 * Tomcat's classes lend per thread rather than give every connection) and to the largest frame a text is sent in.
 * Tomcat sizes them only from the JVM-wide system property
 * {@code org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE}, read once when its WebSocket classes load, so this runs
 * before the web server starts; a value given with {@code -D} on the command line wins. Being JVM-wide, it also sizes
 * any other Tomcat WebSocket endpoint or client in the same JVM, so it is set only when the configured size differs
 * from Tomcat's default.
 */
class IoBufferSize implements EnvironmentPostProcessor {

	static final String TOMCAT_PROPERTY = "org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE";

	/** Tomcat's own default: when configured to it, the JVM-wide property is left alone. */
	private static final long TOMCAT_DEFAULT = 8 * 1024;

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (System.getProperty(TOMCAT_PROPERTY) != null) {
			return;
		}
		long bytes = Binder.get(environment)
			.bind("wsdeck.limits.io-buffer-size", DataSize.class)
			.map(DataSize::toBytes)
			.orElse(0L);
		if (bytes != TOMCAT_DEFAULT && bytes >= 1024 && bytes <= 1024 * 1024) { // out of range: validation reports it
			System.setProperty(TOMCAT_PROPERTY, Long.toString(bytes));
		}
	}

}
