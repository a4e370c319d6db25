package io.wsdeck.lab;

import java.io.IOException;

import io.wsdeck.session.ManagedSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.socket.CloseStatus;

/**
 * {@code close CODE [REASON]}, {@code close-raw CODE [REASON]} and {@code drop}: the three ways the lab ends a
 * session. The server then waits for the client's close, as after any close it starts (RFC 6455 7.1.1), except
 * after {@code drop}, which is the point.
 * @param code the close code; ignored by {@link How#DROP}
 * @param reason the close reason, at most 123 bytes of UTF-8; ignored by {@link How#DROP}
 */
record Closing(How how, int code, String reason) implements Command {

	private static final Logger log = LoggerFactory.getLogger(Closing.class);

	/** How a dropped session ends, in its close line and for its handler. */
	static final CloseStatus DROPPED = CloseStatus.NO_CLOSE_FRAME.withReason("connection dropped by the lab's drop");

	enum How {

		/** Through the session layer, like every close wsdeck sends: a code RFC 6455 lets a server send. */
		CLOSE,

		/** Any code, even one the RFC forbids, for testing that the client answers it with 1002. */
		RAW,

		/** No close frame at all: the TCP connection just ends. */
		DROP

	}

	static Closing drop() {
		return new Closing(How.DROP, 0, "");
	}

	@Override
	public void run(LabSession lab) throws IOException {
		switch (this.how) {
			case CLOSE -> {
				CloseStatus asked = new CloseStatus(this.code, this.reason);
				if (lab.session() instanceof ManagedSession managed) {
					managed.closeAsAsked(asked);
				}
				else {
					lab.session().close(asked);
				}
			}
			case RAW -> {
				log.info("Lab session {} asked for close-raw: sending close code {}", lab.session().getId(), this.code);
				Runnable close = () -> TomcatConnection.closeWithAnyCode(lab.session(), this.code, this.reason);
				if (lab.session() instanceof ManagedSession managed) {
					managed.closePastTheSession(close);
				}
				else {
					close.run();
				}
			}
			case DROP -> drop(lab);
		}
	}

	private static void drop(LabSession lab) throws IOException {
		if (!TomcatConnection.canDrop()) {
			lab.reply("error: drop is not available on this server: this Tomcat version hides the connection");
			return;
		}
		log.info("Lab session {} asked for drop: closing its TCP connection without a close frame",
				lab.session().getId());
		Runnable drop = () -> TomcatConnection.drop(lab.session(), DROPPED);
		if (lab.session() instanceof ManagedSession managed) {
			managed.dropConnection(DROPPED, drop);
		}
		else {
			drop.run();
		}
	}

}
