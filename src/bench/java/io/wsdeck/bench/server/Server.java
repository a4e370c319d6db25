package io.wsdeck.bench.server;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** A server under test: the command that starts it on a loopback port, and where its echo endpoints are. */
public interface Server extends AutoCloseable {

	/** The name in the table and in the result lines. */
	String name();

	/** What exactly runs (versions), for the table's heading. */
	String description();

	/** The command line that starts one process listening on {@code 127.0.0.1:port}. */
	List<String> command(int port);

	/** The directory the process starts in. */
	Path workingDirectory();

	/** The endpoint that echoes text; the peers have one, {@code /echo}, for text and binary. */
	default String textPath() {
		return "/echo";
	}

	/** Messages the text endpoint sends on its own when a session opens (wsdeck's greeting); the peers send none. */
	default int textGreetings() {
		return 0;
	}

	/** The endpoint that echoes binary messages without a greeting. */
	default String binaryPath() {
		return "/echo";
	}

	/** Whether it runs on a JVM (then its idle footprint is also read after a full GC). */
	boolean isJvm();

	/** Whether it negotiates permessage-deflate when offered (then its idle footprint is measured with it too). */
	boolean negotiatesDeflate();

	/** Starts it, its output into {@code log}. */
	default ServerProcess start(int port, Path log) throws IOException {
		return ServerProcess.start(name(), command(port), workingDirectory(), log);
	}

	/** Removes what was installed for it, if anything. */
	@Override
	default void close() throws IOException {
	}

}
