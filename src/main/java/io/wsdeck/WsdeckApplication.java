package io.wsdeck;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** wsdeck: a WebSocket echo-and-push server that shows every protocol behaviour. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class WsdeckApplication {

	public static void main(String[] args) {
		exitZeroOnSigterm();
		SpringApplication.run(WsdeckApplication.class, args);
	}

	/**
	 * SIGTERM is how service managers ask a server to stop. The JVM would run the shutdown (sessions get 1001, see
	 * {@code SessionDrain}) and then exit with 143, which systemd and friends report as a failure; exiting through
	 * {@code System.exit(0)} runs the same shutdown and reports the clean stop it was.
	 */
	@SuppressWarnings("sunapi")
	private static void exitZeroOnSigterm() {
		try {
			sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> System.exit(0));
		}
		catch (IllegalArgumentException | UnsupportedOperationException ex) {
			// No SIGTERM on this platform (Windows): the JVM's default handling stays.
		}
	}

}
