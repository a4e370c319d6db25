package io.wsdeck.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.wsdeck.session.Endpoint;
import io.wsdeck.session.MessageKind;
import io.wsdeck.session.SessionObserver;

import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;

/**
 * Counts what the session layer reports. Every meter is tagged only by endpoint, direction, kind or close code:
 * bounded sets, however many clients connect. Meters on the per-message path are created up front and kept in
 * arrays, so a message costs a few adder increments and no lookups.
 */
@Component
public class TrafficMeters implements SessionObserver {

	private final MeterRegistry registry;

	/** [direction][endpoint][kind] */
	private final Counter[][][] messages = new Counter[Direction.values().length][Endpoint.values().length][MessageKind
		.values().length];

	private final Counter[][][] bytes = new Counter[Direction.values().length][Endpoint.values().length][MessageKind
		.values().length];

	private final DistributionSummary[][][] sizes = new DistributionSummary[Direction.values().length][Endpoint
		.values().length][MessageKind.values().length];

	private final Timer[] durations = new Timer[Endpoint.values().length];

	private final Map<String, Counter> closes = new ConcurrentHashMap<>();

	public TrafficMeters(MeterRegistry registry) {
		this.registry = registry;
		for (Direction direction : Direction.values()) {
			for (Endpoint endpoint : Endpoint.values()) {
				for (MessageKind kind : MessageKind.values()) {
					int d = direction.ordinal();
					int e = endpoint.ordinal();
					int k = kind.ordinal();
					this.messages[d][e][k] = Counter.builder("wsdeck.messages")
						.description("Whole WebSocket data messages")
						.tags("direction", direction.tag, "endpoint", endpoint.tag(), "kind", kind.tag())
						.register(registry);
					this.bytes[d][e][k] = Counter.builder("wsdeck.bytes")
						.description("WebSocket data payload bytes")
						.baseUnit("bytes")
						.tags("direction", direction.tag, "endpoint", endpoint.tag(), "kind", kind.tag())
						.register(registry);
					this.sizes[d][e][k] = DistributionSummary.builder("wsdeck.message.size")
						.description("Sizes of whole WebSocket data messages")
						.baseUnit("bytes")
						.tags("direction", direction.tag, "endpoint", endpoint.tag(), "kind", kind.tag())
						.register(registry);
				}
			}
		}
		for (Endpoint endpoint : Endpoint.values()) {
			this.durations[endpoint.ordinal()] = Timer.builder("wsdeck.session.duration")
				.description("How long sessions stayed open")
				.tag("endpoint", endpoint.tag())
				.register(registry);
		}
	}

	@Override
	public void received(Endpoint endpoint, MessageKind kind, long bytes, long messageBytes) {
		count(Direction.IN, endpoint, kind, bytes, messageBytes);
	}

	@Override
	public void sent(Endpoint endpoint, MessageKind kind, long bytes, long messageBytes) {
		count(Direction.OUT, endpoint, kind, bytes, messageBytes);
	}

	private void count(Direction direction, Endpoint endpoint, MessageKind kind, long bytes, long messageBytes) {
		int d = direction.ordinal();
		int e = endpoint.ordinal();
		int k = kind.ordinal();
		this.bytes[d][e][k].increment(bytes);
		if (messageBytes >= 0) {
			this.messages[d][e][k].increment();
			this.sizes[d][e][k].record(messageBytes);
		}
	}

	@Override
	public void closed(Endpoint endpoint, CloseStatus status, Duration open) {
		this.durations[endpoint.ordinal()].record(open);
		this.closes.computeIfAbsent(CloseCodes.tag(status.getCode()), code -> Counter.builder("wsdeck.closes")
			.description("Closed sessions, by close code")
			.tag("code", code)
			.register(this.registry)).increment();
	}

	/** Totals over endpoints and kinds, for the dashboard. */
	public double total(Direction direction, boolean bytes) {
		double total = 0;
		for (Counter[] byKind : (bytes ? this.bytes : this.messages)[direction.ordinal()]) {
			for (Counter counter : byKind) {
				total += counter.count();
			}
		}
		return total;
	}

	public enum Direction {

		IN("in"), OUT("out");

		private final String tag;

		Direction(String tag) {
			this.tag = tag;
		}

	}

}
