package io.wsdeck.access;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.wsdeck.config.WsdeckProperties;
import io.wsdeck.session.ReleasedOnClose;

import org.springframework.stereotype.Component;

/**
 * Open-session slots, in all and per remote address. A slot is taken at the handshake, before the upgrade, so
 * that a burst of handshakes cannot overshoot the limit, and given back when the session closes or the handshake
 * fails.
 */
@Component
public class SessionQuota {

	private final int maxSessions;

	private final int maxPerAddress;

	private final AtomicInteger total = new AtomicInteger();

	private final Map<String, AtomicInteger> perAddress = new ConcurrentHashMap<>();

	public SessionQuota(WsdeckProperties properties) {
		this.maxSessions = properties.access().maxSessions();
		this.maxPerAddress = properties.access().maxSessionsPerAddress();
	}

	/** A slot for one session from this address, or {@code null} with {@link #refusal} telling which limit. */
	Slot take(String address) {
		if (this.total.incrementAndGet() > this.maxSessions) {
			this.total.decrementAndGet();
			return null;
		}
		AtomicInteger fromAddress = this.perAddress.computeIfAbsent(address, key -> new AtomicInteger());
		if (fromAddress.incrementAndGet() > this.maxPerAddress) {
			giveBack(address, fromAddress);
			return null;
		}
		return new Slot(address, fromAddress);
	}

	/** Which limit a refused {@link #take} hit. */
	Limit refusal() {
		return this.total.get() >= this.maxSessions ? Limit.TOTAL : Limit.PER_ADDRESS;
	}

	int maxSessions() {
		return this.maxSessions;
	}

	int maxPerAddress() {
		return this.maxPerAddress;
	}

	private void giveBack(String address, AtomicInteger fromAddress) {
		this.total.decrementAndGet();
		if (fromAddress.decrementAndGet() <= 0) {
			// Forget idle addresses so the map does not grow with every client ever seen.
			this.perAddress.remove(address, fromAddress);
		}
	}

	enum Limit {

		TOTAL, PER_ADDRESS

	}

	/** One taken slot; giving it back twice is harmless. */
	final class Slot implements ReleasedOnClose {

		private final String address;

		private final AtomicInteger fromAddress;

		private final AtomicBoolean released = new AtomicBoolean();

		private Slot(String address, AtomicInteger fromAddress) {
			this.address = address;
			this.fromAddress = fromAddress;
		}

		@Override
		public void release() {
			if (this.released.compareAndSet(false, true)) {
				giveBack(this.address, this.fromAddress);
			}
		}

	}

}
