package io.wsdeck.bench.server;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import io.wsdeck.WsdeckApplication;
import org.apache.catalina.util.ServerInfo;

/**
 * The raw Tomcat peer ({@link TomcatEcho}) in a JVM of its own, started with the same options as wsdeck and the
 * benchmark's own classpath, which holds the same Tomcat that wsdeck's jar carries, minus wsdeck's own classes:
 * those include wsdeck's patched copies of three Tomcat classes, which would otherwise replace Tomcat's own in the
 * peer too (they did, unnoticed, for the runs between commits 40610d8 and this one).
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
		command.add(classpathWithoutWsdeck());
		command.add(TomcatEcho.class.getName());
		command.add(Integer.toString(port));
		return command;
	}

	/** The benchmark's classpath without wsdeck's main classes ({@code target/classes}); Tomcat's jars stay. */
	static String classpathWithoutWsdeck() {
		Path wsdeckClasses = locationOf(WsdeckApplication.class);
		return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
			.filter(entry -> !Path.of(entry).toAbsolutePath().equals(wsdeckClasses))
			.collect(Collectors.joining(File.pathSeparator));
	}

	static Path locationOf(Class<?> type) {
		try {
			return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
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
