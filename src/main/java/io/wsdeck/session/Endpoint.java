package io.wsdeck.session;

/** The WebSocket endpoints; the name is the tag used in logs and metrics. */
public enum Endpoint {

	/** Text and binary on one connection, as the tutorial's browser client uses it. */
	MIXED("mixed", true),

	/** Text only; binary messages are refused with 1003. */
	TEXT("text", true),

	/** Binary only; text messages are refused with 1003. */
	BINARY("binary", false),

	/**
	 * Client-testing commands ({@code io.wsdeck.lab}). No ticks or broadcasts: a client under test receives only
	 * what it asked for, so it can count what arrives.
	 */
	LAB("lab", false),

	/**
	 * The plain echo: text and binary, no greeting, no pushes. For conformance suites (Autobahn) and load tools,
	 * which expect every message they receive to be the echo of one they sent.
	 */
	ECHO("echo", false);

	private final String tag;

	private final boolean takesTextPushes;

	Endpoint(String tag, boolean takesTextPushes) {
		this.tag = tag;
		this.takesTextPushes = takesTextPushes;
	}

	public String tag() {
		return this.tag;
	}

	/** Ticks and broadcasts are text, so only endpoints whose clients expect text get them. */
	public boolean takesTextPushes() {
		return this.takesTextPushes;
	}

}
