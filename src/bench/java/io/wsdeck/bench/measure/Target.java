package io.wsdeck.bench.measure;

import java.net.InetSocketAddress;

/**
 * A WebSocket endpoint to measure, and how many messages it sends on its own when a session opens (wsdeck's
 * {@code /ws/text} greets with {@code world}), which the client skips rather than counts as echoes.
 * @param serverPid the server process, for its CPU time and resident memory
 */
public record Target(InetSocketAddress address, String path, int greetings, long serverPid) {

	@Override
	public String toString() {
		return "ws://" + this.address.getHostString() + ":" + this.address.getPort() + this.path;
	}

}
