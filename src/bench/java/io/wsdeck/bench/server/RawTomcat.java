package io.wsdeck.bench.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.catalina.util.ServerInfo;

/**
 * The raw Tomcat peer ({@link TomcatEcho}) in a JVM of its own, started with the same options as wsdeck and the
 * benchmark's own classpath, which holds the same Tomcat that wsdeck's jar carries.
 */
public record RawTomcat(Path java, List<String> jvmOptions, Path workingDirectory) implements Server {

	@Override
	public String name() {
		return "tomcat";
	}

	@Override
	public String description() {
		return "tomcat: embedded Tomcat " + ServerInfo.getServerNumber()
				+ ", JSR-356 endpoint, MessageHandler.Partial, default 8 KiB buffers";
	}

	@Override
	public List<String> command(int port) {
		List<String> command = new ArrayList<>();
		command.add(this.java.toString());
		command.addAll(this.jvmOptions);
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(TomcatEcho.class.getName());
		command.add(Integer.toString(port));
		return command;
	}

	@Override
	public boolean isJvm() {
		return true;
	}

	/** Tomcat's JSR-356 container offers permessage-deflate by default. */
	@Override
	public boolean negotiatesDeflate() {
		return true;
	}

}
