package io.wsdeck.config;

import java.io.IOException;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.HttpRequestHandler;
import org.springframework.web.servlet.handler.AbstractUrlHandlerMapping;

/**
 * Hands requests for wsdeck's endpoint paths straight to the handler that {@link WebSocketEndpoints} registered
 * through {@code WebSocketConfigurer}: Spring's {@code WebSocketHttpRequestHandler}, which runs wsdeck's handshake
 * interceptors, Spring's handshake handler and Tomcat's upgrade, exactly as behind {@code DispatcherServlet}.
 * <p>
 * What it skips is what sits between: Spring MVC's servlet filters (character encoding, form content, request
 * context, the HTTP observation that wsdeck's own meters make redundant) and {@code DispatcherServlet}'s lookup and
 * request-handled event. None of them does anything for a handshake, and together they took a quarter of a
 * handshake's server CPU in the benchmark's profile. Servlet filters an application adds (Spring Security's, say)
 * are skipped too: {@code wsdeck.endpoints.direct-handshake=false} puts the handshakes back behind them.
 * <p>
 * A path registered as a pattern ({@code /ws/*}) is not an exact key of the mapping and simply takes the usual
 * way through {@code DispatcherServlet}.
 */
final class DirectHandshakeFilter implements Filter {

	private final AbstractUrlHandlerMapping webSocketMapping;

	DirectHandshakeFilter(AbstractUrlHandlerMapping webSocketMapping) {
		this.webSocketMapping = webSocketMapping;
	}

	@Override
	public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		if (request instanceof HttpServletRequest http && response instanceof HttpServletResponse httpResponse
				&& this.webSocketMapping.getHandlerMap().get(pathOf(http)) instanceof HttpRequestHandler handler) {
			handler.handleRequest(http, httpResponse);
			return;
		}
		chain.doFilter(request, response);
	}

	/** The path within the application, as the mapping's keys are written (no context path, not decoded). */
	private static String pathOf(HttpServletRequest request) {
		return request.getRequestURI().substring(request.getContextPath().length());
	}

}
