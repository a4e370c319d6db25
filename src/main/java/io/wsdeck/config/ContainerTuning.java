package io.wsdeck.config;

import io.micrometer.observation.ObservationPredicate;

import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.observation.ServerRequestObservationContext;

/**
 * Tomcat settings that decide what a connection costs. Measured with the project benchmark; see the README's
 * performance section for the figures behind each.
 */
@Configuration(proxyBeanMethods = false)
class ContainerTuning {

	/**
	 * Size of the socket's write buffer. WebSocket frames never pass through it: Tomcat writes them straight from
	 * its frame buffer with a gathering write. Only plain HTTP responses (the page, the actuator, the 101 of a
	 * handshake) do, in chunks of this size (over TLS, in records of this size), and those are few and small next
	 * to a buffer that every WebSocket connection holds for its whole life.
	 */
	static final int HTTP_WRITE_BUFFER_BYTES = 1024;

	/**
	 * The socket's own read and write buffers, allocated per connection (8 KiB each by Tomcat's default). The read
	 * buffer is lent to a WebSocket connection while it reads (wsdeck's copy of Tomcat's SocketBufferHandler), and
	 * caps each read from the socket, so it has its own setting ({@code wsdeck.limits.socket-read-buffer-size});
	 * the write buffer serves HTTP responses only and is kept for the connection's life, so it is small.
	 * (Direct buffers, tried to save the JDK's copy into a temporary direct buffer on each write, made no
	 * measurable difference to echo or large messages and cost native memory.)
	 */
	@Bean
	TomcatConnectorCustomizer socketBuffers(WsdeckProperties properties) {
		String readBytes = Long.toString(properties.limits().socketReadBufferSize().toBytes());
		return connector -> {
			connector.setProperty("socket.appReadBufSize", readBytes);
			connector.setProperty("socket.appWriteBufSize", Integer.toString(HTTP_WRITE_BUFFER_BYTES));
		};
	}

	/**
	 * Tomcat keeps the channel objects of closed connections (with their buffers) and gives them to new connections
	 * (up to 1/32 of the maximum heap of them). A connection closed by one thread while another writes to it hands
	 * its channel back while that write may still go through it: Tomcat puts the channel in its cache before it takes
	 * it from the closed connection's wrapper, and a new connection that took the channel meanwhile received the old
	 * session's frames. The lab's {@code drop} showed it: 400 drops with 20 pings behind each, from 4 clients at once,
	 * gave a new client 20 bytes of pongs in front of its {@code 101} in two runs of four. Any close made outside the
	 * reading thread (a slow consumer's, the heartbeat's, shutdown's) can meet a write of the reading thread the same
	 * way. Without the cache a late write finds its own closed socket. New channels cost an allocation per connection
	 * (a few KiB, over wss too: the read buffer and TLS's network buffers are lent per thread), and closed
	 * connections no longer keep up to 1/32 of the heap in cached buffers.
	 */
	@Bean
	TomcatConnectorCustomizer noReuseOfClosedChannels() {
		return connector -> connector.setProperty("socket.bufferPool", "0");
	}

	/**
	 * Handshakes are counted by wsdeck's own meters (sessions opened, handshakes refused by reason); timing each
	 * one again as an {@code http.server.requests} observation cost a tenth of a handshake's CPU in the profile.
	 */
	@Bean
	ObservationPredicate noHttpObservationForHandshakes() {
		return (name, context) -> !(context instanceof ServerRequestObservationContext request
				&& "websocket".equalsIgnoreCase(request.getCarrier().getHeader("Upgrade")));
	}

}
