package io.wsdeck.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The machine a run measured on, in one line, read off {@code /proc} and the JVM. */
public final class Machine {

	private Machine() {
	}

	public static String describe() {
		long memoryKiB = firstValue("/proc/meminfo", "MemTotal:").map(v -> Long.parseLong(v.replaceAll("\\D", "")))
			.orElse(0L);
		String cpu = firstValue("/proc/cpuinfo", "model name").map(v -> v.replaceFirst("^\\s*:\\s*", "")).orElse("?");
		String os = firstValue("/etc/os-release", "PRETTY_NAME=").map(v -> v.replace("\"", "")).orElse("?");
		return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), "
				+ Math.round(memoryKiB / 1024.0 / 1024.0) + " GiB memory, " + os + ", Linux "
				+ System.getProperty("os.version") + ", load average at start " + loadAverage();
	}

	/** The 1, 5 and 15 minute load averages: how busy others kept the machine. */
	public static String loadAverage() {
		try {
			String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
			return fields[0] + " " + fields[1] + " " + fields[2];
		}
		catch (IOException | RuntimeException ex) {
			return "?";
		}
	}

	private static Optional<String> firstValue(String file, String prefix) {
		try {
			List<String> lines = Files.readAllLines(Path.of(file));
			return lines.stream().filter(line -> line.startsWith(prefix)).findFirst()
				.map(line -> line.substring(prefix.length()).trim());
		}
		catch (IOException | RuntimeException ex) {
			return Optional.empty();
		}
	}

}
