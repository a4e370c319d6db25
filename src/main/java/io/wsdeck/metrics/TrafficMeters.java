package io.wsdeck.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
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
 * arrays, so a message costs no lookups, and one {@link DistributionSummary#record} only: the message and byte
 * counters read the size summary's own count and total (plus the bytes of messages a session ended in the middle
 * of). Counting each message three times over was a tenth of the server's CPU under the benchmark's echo load.
 * <p>
 * So a message's bytes are counted when it is complete (or cut short), not fragment by fragment: a 10 MB message
 * shows up in {@code wsdeck.bytes} at once, when its last fragment is through.
 */
@Component
public class TrafficMeters implements SessionObserver {

	private final MeterRegistry registry;

	/** [direction][endpoint][kind] */
	private final DistributionSummary[][][] sizes = new DistributionSummary[Direction.values().length][Endpoint
		.values().length][MessageKind.values().length];

	/** Bytes of messages cut short by the end of their session: [direction][endpoint][kind]. */
	private final LongAdder[][][] cutShort = new LongAdder[Direction.values().length][Endpoint.values().length][MessageKind
		.values().length];

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
					DistributionSummary size = DistributionSummary.builder("wsdeck.message.size")
						.description("Sizes of whole WebSocket data messages")
						.baseUnit("bytes")
						.tags("direction", direction.tag, "endpoint", endpoint.tag(), "kind", kind.tag())
						.register(registry);
					LongAdder cut = new LongAdder();
					this.sizes[d][e][k] = size;
					this.cutShort[d][e][k] = cut;
					FunctionCounter.builder("wsdeck.messages", size, DistributionSummary::count)
						.description("Whole WebSocket data messages")
						.tags("direction", direction.tag, "endpoint", endpoint.tag(), "kind", kind.tag())
						.register(registry);
					FunctionCounter.builder("wsdeck.bytes", size, summary -> summary.totalAmount() + cut.sum())
						.description("WebSocket data payload bytes, counted when their message completes or is cut short")
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
	public void received(Endpoint endpoint, MessageKind kind, long messageBytes) {
		this.sizes[Direction.IN.ordinal()][endpoint.ordinal()][kind.ordinal()].record(messageBytes);
	}

	@Override
	public void sent(Endpoint endpoint, MessageKind kind, long messageBytes) {
		this.sizes[Direction.OUT.ordinal()][endpoint.ordinal()][kind.ordinal()].record(messageBytes);
	}

	@Override
	public void cutShort(Endpoint endpoint, MessageKind kind, boolean received, long bytes) {
		Direction direction = received ? Direction.IN : Direction.OUT;
		this.cutShort[direction.ordinal()][endpoint.ordinal()][kind.ordinal()].add(bytes);
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
		int d = direction.ordinal();
		double total = 0;
		for (int e = 0; e < Endpoint.values().length; e++) {
			for (int k = 0; k < MessageKind.values().length; k++) {
				DistributionSummary size = this.sizes[d][e][k];
				total += bytes ? size.totalAmount() + this.cutShort[d][e][k].sum() : size.count();
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
