package io.wsdeck.proxy;

import java.util.List;

import org.apache.catalina.Valve;
import org.apache.catalina.valves.RemoteIpValve;

import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * Puts {@link RemoteIpValveWhenForwarded} in place of the {@link RemoteIpValve} that Spring Boot installs for
 * {@code server.forward-headers-strategy: native}, with the {@code server.tomcat.remoteip.*} settings Spring Boot gave
 * it. Without that strategy there is no valve, and nothing to replace.
 */
@Configuration(proxyBeanMethods = false)
class ForwardedHeadersConfiguration {

	@Bean
	static WebServerFactoryCustomizer<TomcatWebServerFactory> remoteIpValveWhenForwarded() {
		return new ValveReplacement();
	}

	/** Runs after Spring Boot's own Tomcat customizer (order 0), which adds the valve. */
	private static final class ValveReplacement
			implements WebServerFactoryCustomizer<TomcatWebServerFactory>, Ordered {

		@Override
		public void customize(TomcatWebServerFactory factory) {
			List<Valve> valves = factory.getEngineValves().stream().map(ValveReplacement::replaced).toList();
			factory.setEngineValves(valves);
		}

		private static Valve replaced(Valve valve) {
			return (valve.getClass() == RemoteIpValve.class) ? new RemoteIpValveWhenForwarded((RemoteIpValve) valve)
					: valve;
		}

		@Override
		public int getOrder() {
			return 1;
		}

	}

}
