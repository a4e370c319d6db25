package io.wsdeck.handshake;

import org.apache.coyote.Processor;
import org.apache.coyote.http11.Http11NioProtocol;

/**
 * Tomcat's HTTP/1.1 protocol over NIO, whose processors answer a request that stops arriving half-way
 * ({@link IncompleteRequestProcessor}) where Tomcat's own close the connection without a word. Both of wsdeck's
 * connectors, ws:// and wss://, run it ({@link TomcatRefusalsExplained}); Tomcat creates it by its class name, so it
 * is public and has a public no-argument constructor.
 */
public class IncompleteRequestProtocol extends Http11NioProtocol {

	/** Set before the connector starts, so before any processor exists. */
	private EarlyRefusals refusals;

	void countRefusalsIn(EarlyRefusals refusals) {
		this.refusals = refusals;
	}

	@Override
	protected Processor createProcessor() {
		return new IncompleteRequestProcessor(this, getAdapter(), this.refusals);
	}

}
