package io.wsdeck.proxy;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

import io.wsdeck.session.SessionRegistry;
import io.wsdeck.support.RawUpgradeRequest;
import io.wsdeck.support.RawWebSocket;
import org.apache.catalina.Valve;
import org.apache.catalina.valves.RemoteIpValve;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Behind a reverse proxy on this machine every connection comes from loopback; wsdeck takes the client's address
 * from the proxy's {@code X-Forwarded-For} (server.forward-headers-strategy: native), so the per-address quota, the
 * logs and the loopback-only broadcast judge the client. Only loopback peers are believed.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "wsdeck.access.max-sessions-per-address=1")
class ForwardedHeadersTest {

	@LocalServerPort
	int port;

	@Autowired
	SessionRegistry sessions;

	@Autowired
	WebServerApplicationContext context;

	@Test
	void aSessionOpenedThroughALoopbackProxyHasTheForwardedClientsAddress() throws Exception {
		try (RawWebSocket ws = upgradeFrom("203.0.113.9").expectUpgraded()) {
			await().until(() -> SessionAddresses.of(this.sessions).contains("203.0.113.9"));
		}
	}

	@Test
	void theSessionQuotaCountsEachForwardedClientOnItsOwn() throws Exception {
		try (RawWebSocket first = upgradeFrom("198.51.100.1").expectUpgraded();
				RawWebSocket sameClient = upgradeFrom("198.51.100.1");
				RawWebSocket otherClient = upgradeFrom("198.51.100.2").expectUpgraded()) {
			assertThat(sameClient.response().status()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS.value());
			assertThat(otherClient.response().status()).isEqualTo(HttpStatus.SWITCHING_PROTOCOLS.value());
		}
	}

	@Test
	void aBroadcastForwardedFromAnInternetClientIsRefusedThoughItArrivesFromLoopback() {
		RestClient api = RestClient.builder()
			.baseUrl("http://127.0.0.1:" + this.port)
			.defaultStatusHandler((status) -> true, (request, response) -> {
			})
			.build();

		HttpStatus forwarded = post(api, "203.0.113.7");
		HttpStatus local = post(api, null);

		assertThat(forwarded).isEqualTo(HttpStatus.FORBIDDEN);
		assertThat(local).isEqualTo(HttpStatus.OK);
	}

	@Test
	void onlyProxiesOnThisMachineAreBelieved() {
		TomcatWebServer tomcat = (TomcatWebServer) this.context.getWebServer();
		Valve[] valves = tomcat.getTomcat().getEngine().getPipeline().getValves();
		RemoteIpValve valve = (RemoteIpValve) Arrays.stream(valves)
			.filter(RemoteIpValve.class::isInstance)
			.findFirst()
			.orElseThrow(() -> new AssertionError("no RemoteIpValve: forwarded headers are ignored"));
		Pattern trusted = Pattern.compile(valve.getInternalProxies());

		assertThat(List.of("127.0.0.1", "127.1.2.3", "0:0:0:0:0:0:0:1", "::1")).allMatch(
				(address) -> trusted.matcher(address).matches());
		assertThat(List.of("10.0.0.1", "192.168.1.1", "172.16.0.1", "169.254.1.1", "100.64.0.1", "fd00:0:0:0:0:0:0:1",
				"203.0.113.9")).noneMatch((address) -> trusted.matcher(address).matches());
		assertThat(valve.getTrustedProxies()).isNull();
	}

	@Test
	void theValveInPlaceStepsAsideOnlyForRequestsWithoutForwardedHeaders() {
		TomcatWebServer tomcat = (TomcatWebServer) this.context.getWebServer();

		assertThat(tomcat.getTomcat().getEngine().getPipeline().getValves())
			.hasAtLeastOneElementOfType(RemoteIpValveWhenForwarded.class)
			.noneMatch((valve) -> valve.getClass() == RemoteIpValve.class);
	}

	/** A proxy that terminates TLS may send the scheme alone; the valve must not step aside for it. */
	@Test
	void theSchemeForwardedWithoutAnAddressIsTaken() {
		// HttpURLConnection: the JDK's HttpClient asks every HTTP/1.1 request to upgrade to h2c.
		RestClient api = RestClient.builder()
			.baseUrl("http://127.0.0.1:" + this.port)
			.requestFactory(new SimpleClientHttpRequestFactory())
			.defaultStatusHandler((status) -> true, (request, response) -> {
			})
			.build();

		String help = api.get().uri("/ws/text").header("X-Forwarded-Proto", "https").retrieve().body(String.class);
		String direct = api.get().uri("/ws/text").retrieve().body(String.class);

		assertThat(help).contains("new WebSocket('wss://127.0.0.1:" + this.port + "/ws/text')");
		assertThat(direct).contains("new WebSocket('ws://127.0.0.1:" + this.port + "/ws/text')");
	}

	private RawWebSocket upgradeFrom(String client) throws Exception {
		return RawWebSocket.connect(this.port, RawUpgradeRequest.to("/ws/binary").header("X-Forwarded-For", client));
	}

	private static HttpStatus post(RestClient api, String forwardedFor) {
		return HttpStatus.valueOf(api.post()
			.uri("/api/broadcast")
			.contentType(MediaType.TEXT_PLAIN)
			.headers((headers) -> {
				if (forwardedFor != null) {
					headers.set("X-Forwarded-For", forwardedFor);
				}
			})
			.body("who is asking?")
			.retrieve()
			.toBodilessEntity()
			.getStatusCode()
			.value());
	}

}
