package io.wsdeck.bench.measure;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which source address each of many connections to one server address uses. A source address reaches one server
 * address with at most as many connections as the system has ephemeral ports (about 28,000 by Linux's default
 * range), so the 100,000 idle sessions of the memory goal need several. On loopback every 127.x.y.z address is
 * the machine's own: connection {@code i} comes from 127.0.0.(1 + i / perAddress). Counts that fit one address
 * leave the choice to the system, as before.
 */
final class SourceAddresses {

	/** Ports Linux keeps out of reach of a bind, and sockets the run itself holds: a margin below the range. */
	private static final int PORT_MARGIN = 1000;

	private static final Path PORT_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

	private final int perAddress;

	private SourceAddresses(int perAddress) {
		this.perAddress = perAddress;
	}

	/** Addresses for {@code count} connections to {@code server}. */
	static SourceAddresses toReach(InetSocketAddress server, int count) {
		int perAddress = ephemeralPorts() - PORT_MARGIN;
		boolean loopbackV4 = server.getAddress() instanceof Inet4Address address && address.isLoopbackAddress();
		if (count <= perAddress || !loopbackV4) {
			return new SourceAddresses(Integer.MAX_VALUE);
		}
		return new SourceAddresses(perAddress);
	}

	/** The source address of connection {@code index}, or {@code null} to let the system choose. */
	InetAddress forConnection(int index) {
		if (this.perAddress == Integer.MAX_VALUE) {
			return null;
		}
		int host = 1 + index / this.perAddress;
		try {
			return InetAddress.getByAddress(new byte[] { 127, 0, (byte) (host >> 8), (byte) host });
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException(ex); // four bytes are always an address
		}
	}

	/** The size of the system's ephemeral port range; Linux's default where it cannot be read. */
	private static int ephemeralPorts() {
		try {
			// on JDK 17 readString returns only the first character of /proc/sys files ("3"); readAllLines reads them whole
			String[] range = Files.readAllLines(PORT_RANGE).get(0).trim().split("\\s+");
			return Integer.parseInt(range[1]) - Integer.parseInt(range[0]) + 1;
		}
		catch (IOException | RuntimeException ex) {
			return 60999 - 32768 + 1;
		}
	}

}
