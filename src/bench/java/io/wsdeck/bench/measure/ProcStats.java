package io.wsdeck.bench.measure;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What Linux's {@code /proc} says about a process and the machine. */
public final class ProcStats {

	/** USER_HZ: the unit of /proc's CPU times, 100 on every mainstream Linux build. */
	static final double TICKS_PER_SECOND = 100;

	private ProcStats() {
	}

	/** User plus system CPU time of a process, all its threads, in clock ticks ({@code /proc/PID/stat} 14, 15). */
	static long cpuTicks(long pid) {
		try {
			return userPlusSystem(Files.readString(Path.of("/proc/" + pid + "/stat")));
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
	}

	/** Fields 14 and 15 of a process's or thread's {@code stat} line: its user and system time in clock ticks. */
	private static long userPlusSystem(String stat) {
		// the command name may hold spaces; the fields after it are fixed
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
	}

	/**
	 * CPU ticks of a JVM's JIT compiler threads (HotSpot names them "C1 CompilerThreadN" and "C2 CompilerThreadN";
	 * the kernel keeps the first 15 characters), or 0 for a process that has none, such as Node.
	 */
	static long compilerTicks(long pid) {
		long ticks = 0;
		try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
			for (Path task : tasks) {
				try {
					String stat = Files.readString(task.resolve("stat"));
					String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
					if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
						ticks += userPlusSystem(stat);
					}
				}
				catch (IOException | RuntimeException ex) {
					// the thread ended while we looked
				}
			}
		}
		catch (IOException ex) {
			return 0;
		}
		return ticks;
	}

	/** Resident set size in KiB ({@code VmRSS}), or -1 if the process is gone. */
	public static long rssKiB(long pid) {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
				if (line.startsWith("VmRSS:")) {
					return Long.parseLong(line.replaceAll("[^0-9]", ""));
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// gone
		}
		return -1;
	}

	/** The whole machine's busy and total clock ticks since boot, from the first line of {@code /proc/stat}. */
	static long[] machineTicks() {
		try {
			String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
			long busy = 0;
			long total = 0;
			for (int i = 1; i <= 8 && i < cpu.length; i++) {
				long ticks = Long.parseLong(cpu[i]);
				total += ticks;
				// user nice system idle iowait irq softirq steal: idle and iowait are not busy
				if (i != 4 && i != 5) {
					busy += ticks;
				}
			}
			return new long[] { busy, total };
		}
		catch (IOException | RuntimeException ex) {
			return new long[] { 0, 0 };
		}
	}

	/** This process's soft limit on open files, or {@code Long.MAX_VALUE} if unlimited or unknown. */
	public static long openFilesLimit() {
		try {
			List<String> limits = Files.readAllLines(Path.of("/proc/self/limits"));
			for (String line : limits) {
				if (line.startsWith("Max open files")) {
					String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
					return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// unknown
		}
		return Long.MAX_VALUE;
	}

}
