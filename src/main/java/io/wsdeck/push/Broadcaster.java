package io.wsdeck.push;

import io.wsdeck.session.ManagedSession;
import io.wsdeck.session.SessionRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;
import org.springframework.web.socket.TextMessage;

/** Pushes one text message to every open session of the endpoints that take text. */
@Component
public class Broadcaster {

	private static final Logger log = LoggerFactory.getLogger(Broadcaster.class);

	private final SessionRegistry sessions;

	public Broadcaster(SessionRegistry sessions) {
		this.sessions = sessions;
	}

	/** @return how many sessions the message was queued to; it is written to each without waiting for any */
	public int broadcast(String text) {
		TextMessage message = new TextMessage(text);
		int reached = 0;
		for (ManagedSession session : this.sessions.all()) {
			if (session.endpoint().takesTextPushes() && session.pushToMany(message)) {
				reached++;
			}
		}
		log.info("Broadcast of {} chars reached {} session(s)", text.length(), reached);
		return reached;
	}

}
