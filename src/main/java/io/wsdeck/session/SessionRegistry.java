package io.wsdeck.session;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;
import org.springframework.web.socket.WebSocketSession;

/** Every open session, by id: what broadcasts reach, metrics count and shutdown closes. */
@Component
public class SessionRegistry {

	private final Map<String, ManagedSession> sessions = new ConcurrentHashMap<>();

	void add(ManagedSession session) {
		this.sessions.put(session.getId(), session);
	}

	void remove(WebSocketSession session) {
		if (this.sessions.remove(session.getId()) != null) {
			synchronized (this) {
				notifyAll(); // for whoever waits for sessions to drain (shutdown)
			}
		}
	}

	public Collection<ManagedSession> all() {
		return Collections.unmodifiableCollection(this.sessions.values());
	}

	public int size() {
		return this.sessions.size();
	}

	public int count(Endpoint endpoint) {
		int count = 0;
		for (ManagedSession session : this.sessions.values()) {
			if (session.endpoint() == endpoint) {
				count++;
			}
		}
		return count;
	}

	/** Bytes accepted for sending and not yet written, summed over the endpoint's sessions. */
	public long bufferedBytes(Endpoint endpoint) {
		long bytes = 0;
		for (ManagedSession session : this.sessions.values()) {
			if (session.endpoint() == endpoint) {
				bytes += session.bufferedBytes();
			}
		}
		return bytes;
	}

}
