package io.wsdeck.metrics;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.client.RestClient;

/** Reads meters the way an operator does: over HTTP from the actuator. */
final class ActuatorClient {

	private static final JsonMapper json = JsonMapper.builder().build();

	private final RestClient http;

	ActuatorClient(int port) {
		this.http = RestClient.create("http://127.0.0.1:" + port);
	}

	/** The first measurement of a meter (VALUE for gauges, COUNT for counters), filtered by {@code key:value} tags. */
	double value(String meter, String... tags) {
		StringBuilder uri = new StringBuilder("/actuator/metrics/").append(meter);
		for (int i = 0; i < tags.length; i++) {
			uri.append(i == 0 ? '?' : '&').append("tag=").append(tags[i]);
		}
		JsonNode body = json.readTree(this.http.get().uri(uri.toString()).retrieve().body(String.class));
		return body.get("measurements").get(0).get("value").asDouble();
	}

	/** Like {@link #value}, but 0 for a meter that has not been created yet (tagged counters appear on first use). */
	double valueOrZero(String meter, String... tags) {
		try {
			return value(meter, tags);
		}
		catch (org.springframework.web.client.HttpClientErrorException.NotFound ex) {
			return 0;
		}
	}

	String get(String path) {
		return this.http.get().uri(path).retrieve().body(String.class);
	}

}
