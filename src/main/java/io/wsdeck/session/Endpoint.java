package io.wsdeck.session;

/** The WebSocket endpoints; the name is the tag used in logs and metrics. */
public enum Endpoint {

	/** Text and binary on one connection, as the tutorial's browser client uses it. */
	MIXED("mixed", true, true),

	/** Text only; binary messages are refused with 1003. */
	TEXT("text", true, true),

	/** Binary only; text messages are refused with 1003. */
	BINARY("binary", false, true),

	/**
	 * Client-testing commands ({@code io.wsdeck.lab}). No ticks or broadcasts: a client under test receives only
	 * what it asked for, so it can count what arrives.
	 */
	LAB("lab", false, false),

	/**
	 * The plain echo: text and binary, no greeting, no pushes. For conformance suites (Autobahn) and load tools,
	 * which expect every message they receive to be the echo of one they sent.
	 */
	ECHO("echo", false, true);

	private final String tag;

	private final boolean takesTextPushes;

	private final boolean echoes;

	Endpoint(String tag, boolean takesTextPushes, boolean echoes) {
		this.tag = tag;
		this.takesTextPushes = takesTextPushes;
		this.echoes = echoes;
	}

	public String tag() {
		return this.tag;
	}

	/** Ticks and broadcasts are text, so only endpoints whose clients expect text get them. */
	public boolean takesTextPushes() {
		return this.takesTextPushes;
	}

	/**
	 * Whether the endpoint echoes what it reads, so its replies to large messages are queued rather than written
	 * by the reading thread ({@code ManagedSession}). The lab writes from its own threads, in its own order.
	 */
	public boolean echoes() {
		return this.echoes;
	}

}
