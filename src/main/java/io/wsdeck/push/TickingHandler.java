package io.wsdeck.push;

import java.time.Duration;

import io.wsdeck.session.ManagedSession;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.WebSocketHandlerDecorator;

/** Starts a session's ticks once its handler has greeted it, and stops them when it closes. */
public class TickingHandler extends WebSocketHandlerDecorator {

	private final Ticker ticker;

	public TickingHandler(WebSocketHandler delegate, Ticker ticker) {
		super(delegate);
		this.ticker = ticker;
	}

	@Override
	public void afterConnectionEstablished(WebSocketSession session) throws Exception {
		super.afterConnectionEstablished(session);
		Duration interval = TickRequest.intervalOf(session);
		if (interval != null && session instanceof ManagedSession managed) {
			this.ticker.start(managed, interval);
		}
	}

	@Override
	public void afterConnectionClosed(WebSocketSession session, CloseStatus closeStatus) throws Exception {
		this.ticker.stop(session);
		super.afterConnectionClosed(session, closeStatus);
	}

}
