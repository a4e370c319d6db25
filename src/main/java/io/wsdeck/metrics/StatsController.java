package io.wsdeck.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

import io.wsdeck.metrics.TrafficMeters.Direction;
import io.wsdeck.session.Endpoint;
import io.wsdeck.session.SessionRegistry;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/stats}: one small JSON snapshot for the dashboard, which polls it once a second and derives
 * rates from the running totals. Counts only: no session ids, addresses or content.
 */
@RestController
class StatsController {

	private final SessionRegistry sessions;

	private final TrafficMeters traffic;

	StatsController(SessionRegistry sessions, TrafficMeters traffic) {
		this.sessions = sessions;
		this.traffic = traffic;
	}

	@GetMapping("/api/stats")
	Stats stats() {
		Map<String, Integer> open = new LinkedHashMap<>();
		Map<String, Long> buffered = new LinkedHashMap<>();
		for (Endpoint endpoint : Endpoint.values()) {
			open.put(endpoint.tag(), this.sessions.count(endpoint));
			buffered.put(endpoint.tag(), this.sessions.bufferedBytes(endpoint));
		}
		return new Stats(System.currentTimeMillis(), this.sessions.size(),
				buffered.values().stream().mapToLong(Long::longValue).sum(), open, buffered,
				(long) this.traffic.total(Direction.IN, false), (long) this.traffic.total(Direction.OUT, false),
				(long) this.traffic.total(Direction.IN, true), (long) this.traffic.total(Direction.OUT, true));
	}

	/**
	 * @param time server time, epoch milliseconds
	 * @param openSessions sessions open now
	 * @param bufferedBytes bytes accepted for sending and not yet written, all sessions
	 * @param openByEndpoint sessions open now, by endpoint
	 * @param bufferedBytesByEndpoint buffered bytes, by endpoint
	 * @param messagesIn whole messages received since start
	 * @param messagesOut whole messages sent since start
	 * @param bytesIn payload bytes received since start
	 * @param bytesOut payload bytes sent since start
	 */
	record Stats(long time, int openSessions, long bufferedBytes, Map<String, Integer> openByEndpoint,
			Map<String, Long> bufferedBytesByEndpoint, long messagesIn, long messagesOut, long bytesIn, long bytesOut) {
	}

}
