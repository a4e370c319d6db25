package io.wsdeck.handshake;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.wsdeck.support.RawUpgradeRequest;
import io.wsdeck.support.RawWebSocket;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code wsdeck.endpoints.direct-handshake}: handshakes on the endpoint paths skip the servlet filters an
 * application adds (and Spring MVC's own) unless it is turned off; every other request still passes them. A filter
 * registered by the test, as an application would register one, shows which requests it saw.
 */
class DirectHandshakeTest {

	@Nested
	@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
	@Import(SeenPaths.class)
	class On {

		@LocalServerPort
		int port;

		@Autowired
		SeenPaths seen;

		@BeforeEach
		void forget() {
			this.seen.paths.clear();
		}

		@Test
		void handshakesSkipTheApplicationsFilters() throws IOException {
			try (RawWebSocket ws = RawWebSocket.open(this.port, "/ws/echo")) {
				ws.sendText("through");
				assertThat(ws.readText()).isEqualTo("through");
			}
			assertThat(this.seen.paths).doesNotContain("/ws/echo");
		}

		@Test
		void refusalsAreStillWsdecksAnswers() throws IOException {
			try (RawWebSocket ws = RawWebSocket.connect(this.port,
					RawUpgradeRequest.to("/ws/echo").header("Sec-WebSocket-Version", "8"))) {
				assertThat(ws.response().status()).isEqualTo(426);
				assertThat(ws.response().header("Sec-WebSocket-Version")).isEqualTo("13");
			}
		}

		@Test
		void otherRequestsStillPassTheFilters() throws IOException {
			try (RawWebSocket ws = RawWebSocket.connect(this.port, RawUpgradeRequest.to("/ws/nothing-here"))) {
				assertThat(ws.response().status()).isEqualTo(404);
			}
			assertThat(this.seen.paths).contains("/ws/nothing-here");
		}

	}

	@Nested
	@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "wsdeck.endpoints.direct-handshake=false")
	@Import(SeenPaths.class)
	class Off {

		@LocalServerPort
		int port;

		@Autowired
		SeenPaths seen;

		@Test
		void handshakesPassTheApplicationsFiltersAndStillUpgrade() throws IOException {
			try (RawWebSocket ws = RawWebSocket.open(this.port, "/ws/echo")) {
				ws.sendText("through");
				assertThat(ws.readText()).isEqualTo("through");
			}
			assertThat(this.seen.paths).contains("/ws/echo");
		}

	}

	/** An application's own servlet filter, at the default order (after Spring MVC's), noting each path it sees. */
	@TestConfiguration(proxyBeanMethods = false)
	static class SeenPaths {

		final List<String> paths = new CopyOnWriteArrayList<>();

		@Bean
		FilterRegistrationBean<Filter> pathRecorder() {
			Filter recorder = (request, response, chain) -> {
				this.paths.add(((HttpServletRequest) request).getRequestURI());
				chain.doFilter(request, response);
			};
			return new FilterRegistrationBean<>(recorder);
		}

	}

}
