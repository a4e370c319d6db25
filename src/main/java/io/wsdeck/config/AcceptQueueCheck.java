package io.wsdeck.config;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Says at startup when the kernel holds fewer connections waiting to be accepted than
 * {@code server.tomcat.accept-count} asks for. Linux cuts a listening socket's queue down to
 * {@code net.core.somaxconn} without a word, and a connection that finds the queue full has its SYN dropped: the
 * client tries again only a second later (then at 3 s and 7 s), so a burst of clients (a load test, everyone
 * reconnecting after a restart) sees handshakes of one to several seconds that no log of the server's explains.
 */
@Component
class AcceptQueueCheck {

	private static final Logger log = LoggerFactory.getLogger(AcceptQueueCheck.class);

	/** Where Linux keeps the cap; other systems have none to read, and are not checked. */
	static final Path SOMAXCONN = Path.of("/proc/sys/net/core/somaxconn");

	@Autowired
	AcceptQueueCheck(@Value("${server.tomcat.accept-count:100}") int acceptCount) {
		this(acceptCount, SOMAXCONN);
	}

	AcceptQueueCheck(int acceptCount, Path somaxconn) {
		Integer cap = kernelCap(somaxconn);
		if (cap != null && cap < acceptCount) {
			log.warn("server.tomcat.accept-count is {}, but this system queues at most {} connections waiting to be "
					+ "accepted (net.core.somaxconn): in a burst of new connections, those past {} have their SYN "
					+ "dropped and connect a second or more later. Raise the cap (sysctl -w net.core.somaxconn={}) "
					+ "or lower server.tomcat.accept-count to {}", acceptCount, cap, cap, acceptCount, cap);
		}
	}

	/**
	 * Read as a line, in one read: a procfs file says it is empty, so {@code Files.readString} reads it a byte at a
	 * time, and Linux answers a read past a sysctl's first byte with end of file ("4096" came back as "4").
	 */
	static Integer kernelCap(Path somaxconn) {
		if (!Files.isReadable(somaxconn)) {
			return null;
		}
		try (BufferedReader reader = Files.newBufferedReader(somaxconn)) {
			String line = reader.readLine();
			return (line != null) ? Integer.valueOf(line.trim()) : null;
		}
		catch (IOException | NumberFormatException ex) {
			log.debug("Could not read the kernel's listen queue cap from {}: {}", somaxconn, ex.toString());
			return null;
		}
	}

}
