package io.wsdeck.push;

import java.io.IOException;

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

	/** @return how many sessions the message was sent or queued to */
	public int broadcast(String text) {
		TextMessage message = new TextMessage(text);
		int reached = 0;
		for (ManagedSession session : this.sessions.all()) {
			if (session.endpoint().takesTextPushes() && pushTo(session, message)) {
				reached++;
			}
		}
		log.info("Broadcast of {} chars reached {} session(s)", text.length(), reached);
		return reached;
	}

	private static boolean pushTo(ManagedSession session, TextMessage message) {
		try {
			return session.push(message);
		}
		catch (IOException | RuntimeException ex) {
			log.debug("Broadcast to session {} failed: {}", session.getId(), ex.toString());
			return false;
		}
	}

}
