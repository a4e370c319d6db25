package io.wsdeck.config;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

import io.wsdeck.access.QuotaCheck;
import io.wsdeck.access.SessionQuota;
import io.wsdeck.access.TokenCheck;
import io.wsdeck.echo.BinaryEchoHandler;
import io.wsdeck.echo.MixedEchoHandler;
import io.wsdeck.echo.TextEchoHandler;
import io.wsdeck.handshake.HandshakeRefusal;
import io.wsdeck.handshake.HandshakeValidator;
import io.wsdeck.handshake.OriginCheck;
import io.wsdeck.handshake.TokenListsForSpring;
import io.wsdeck.handshake.UnknownEndpoint;
import io.wsdeck.handshake.WsdeckHandshakeHandler;
import io.wsdeck.lab.LabHandler;
import io.wsdeck.lab.LabHandshake;
import io.wsdeck.push.TickRequest;
import io.wsdeck.push.Ticker;
import io.wsdeck.push.TickingHandler;
import io.wsdeck.session.Endpoint;
import io.wsdeck.session.ManagedSessionHandler;
import io.wsdeck.session.SessionObserver;
import io.wsdeck.session.SessionRegistry;
import io.wsdeck.session.SessionSettings;
import io.wsdeck.session.EchoQueueBudget;
import io.wsdeck.session.SessionSupport;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.handler.AbstractUrlHandlerMapping;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.ServletWebSocketHandlerRegistry;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;

/**
 * The one place that knows the endpoint URLs: each endpoint's handler, wrapped in ticks and session management,
 * behind Spring's upgrade handling with wsdeck's handshake checks in front.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
class WebSocketEndpoints implements WebSocketConfigurer {

	private final WsdeckProperties properties;

	private final SessionSupport sessions;

	private final Ticker ticker;

	private final HandshakeRefusal refusal;

	private final SessionQuota quota;

	private final LabHandler lab;

	WebSocketEndpoints(WsdeckProperties properties, SessionSupport sessions, Ticker ticker, HandshakeRefusal refusal,
			SessionQuota quota, LabHandler lab) {
		this.properties = properties;
		this.sessions = sessions;
		this.ticker = ticker;
		this.refusal = refusal;
		this.quota = quota;
		this.lab = lab;
	}

	@Override
	public void registerWebSocketHandlers(WebSocketHandlerRegistry handlers) {
		if (handlers instanceof ServletWebSocketHandlerRegistry servlet) {
			// Ahead of the @RequestMapping lookup, which otherwise runs (and misses) for every handshake.
			servlet.setOrder(Ordered.HIGHEST_PRECEDENCE);
		}
		WsdeckProperties.Endpoints paths = this.properties.endpoints();
		String greeting = this.properties.echo().greeting();
		boolean greets = !greeting.isEmpty();
		TextEchoHandler text = new TextEchoHandler(greeting);
		BinaryEchoHandler binary = new BinaryEchoHandler();
		register(handlers, Endpoint.MIXED, paths.mixed(), new MixedEchoHandler(text, binary), greets,
				"it echoes text and binary messages and greets each client.");
		register(handlers, Endpoint.TEXT, paths.text(), text, greets,
				"it echoes text messages, greets each client, and closes with 1003 on binary.");
		register(handlers, Endpoint.BINARY, paths.binary(), binary, false,
				"it echoes binary messages and closes with 1003 on text.");
		register(handlers, Endpoint.ECHO, paths.echo(), new MixedEchoHandler(new TextEchoHandler(""), binary), false,
				"the plain echo: it echoes text and binary messages and sends nothing else (for conformance suites).");
		register(handlers, Endpoint.LAB, paths.lab(), this.lab, false,
				"its text messages are commands that make the server misbehave on purpose (send \"help\").",
				new LabHandshake(this.refusal));
	}

	/**
	 * @param greets whether the endpoint's sessions send a frame as they open (see {@link WsdeckHandshakeHandler})
	 * @param own the endpoint's own handshake interceptors, run after the protocol and origin checks
	 */
	private void register(WebSocketHandlerRegistry handlers, Endpoint endpoint, String path, WebSocketHandler echo,
			boolean greets, String description, HandshakeInterceptor... own) {
		WsdeckProperties.Push push = this.properties.push();
		WsdeckProperties.Endpoints endpoints = this.properties.endpoints();
		WebSocketHandler handler = new ManagedSessionHandler(new TickingHandler(echo, this.ticker), endpoint,
				this.sessions);
		// Order matters: protocol checks first, so a browser tab gets the "this is a WebSocket endpoint" answer
		// rather than an origin or token refusal; the quota last, so only handshakes about to upgrade take a slot.
		List<HandshakeInterceptor> interceptors = new ArrayList<>();
		interceptors.add(new HandshakeValidator(this.refusal, description));
		interceptors.add(new OriginCheck(this.refusal, endpoints.allowedOrigins()));
		if (this.properties.access().hasToken()) {
			interceptors.add(new TokenCheck(this.refusal, this.properties.access().token()));
		}
		interceptors.addAll(List.of(own));
		interceptors.add(new TickRequest(this.refusal, push.minTick(), push.maxTick(), endpoint.takesTextPushes()));
		interceptors.add(new QuotaCheck(this.refusal, this.quota));
		interceptors.add(new TokenListsForSpring());
		// Spring always appends its own origin interceptor (same-origin only unless given patterns); it gets the
		// same patterns, so it passes whatever OriginCheck, which explains its refusals, has passed, and is then
		// taken out again (oneOriginCheckPerEndpoint).
		handlers.addHandler(handler, path)
			.setHandshakeHandler(
					new WsdeckHandshakeHandler(endpoints.subprotocols(), this.properties.compression(), greets))
			.addInterceptors(interceptors.toArray(HandshakeInterceptor[]::new))
			.setAllowedOriginPatterns(endpoints.allowedOrigins().toArray(String[]::new));
	}

	/** Runs once every bean exists, before the server takes requests. */
	@Bean
	static SmartInitializingSingleton oneOriginCheckPerEndpoint(
			@Qualifier("webSocketHandlerMapping") ObjectProvider<HandlerMapping> webSocketMapping) {
		return () -> OriginCheck.dropSpringsRepeat(webSocketMapping.getObject());
	}

	/**
	 * Handshakes go straight from the servlet filter chain to the handlers registered above (see
	 * {@link DirectHandshakeFilter}); {@code wsdeck.endpoints.direct-handshake=false} sends them through
	 * {@code DispatcherServlet} like any request.
	 */
	@Bean
	static FilterRegistrationBean<DirectHandshakeFilter> directHandshakeFilter(WsdeckProperties properties,
			@Qualifier("webSocketHandlerMapping") HandlerMapping webSocketMapping) {
		FilterRegistrationBean<DirectHandshakeFilter> registration = new FilterRegistrationBean<>();
		if (webSocketMapping instanceof AbstractUrlHandlerMapping urlMapping) {
			registration.setFilter(new DirectHandshakeFilter(urlMapping));
		}
		registration.setEnabled(properties.endpoints().directHandshake() && registration.getFilter() != null);
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		registration.addUrlPatterns("/*");
		return registration;
	}

	/** A handshake to any other path gets a 404 that lists these, and a log line. */
	@Bean
	static UnknownEndpoint unknownEndpoint(WsdeckProperties properties, HandshakeRefusal refusal) {
		return new UnknownEndpoint(refusal, properties.endpoints().paths().values());
	}

	@Bean
	static SessionSupport sessionSupport(WsdeckProperties properties, SessionRegistry registry,
			SessionObserver observer, @Qualifier("pushSender") Executor pushSender,
			@Qualifier("echoSender") Executor echoSender) {
		return new SessionSupport(registry, SessionSettings.from(properties), observer, pushSender, echoSender,
				new EchoQueueBudget(properties.outbound().echoQueueLimit().toBytes()));
	}

	/**
	 * Tomcat allocates these buffers for every session when it opens, at full size. Large messages are handled
	 * as fragments, so the buffers stay small and an idle session stays cheap (raising them to the maximum
	 * message size, the usual advice, costs about three times that size per idle session).
	 */
	@Bean
	ServletServerContainerFactoryBean webSocketContainer() {
		int buffer = Math.toIntExact(this.properties.limits().messageBufferSize().toBytes());
		ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
		container.setMaxTextMessageBufferSize(buffer);
		container.setMaxBinaryMessageBufferSize(buffer);
		return container;
	}

}
