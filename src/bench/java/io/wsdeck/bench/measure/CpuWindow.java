package io.wsdeck.bench.measure;

import io.wsdeck.bench.report.JsonLine;

/**
 * CPU time over a measured window: the server's and the client's (each in % of one core), and how busy the whole
 * machine was (in % of all its cores), so a figure taken while others used the machine can be told apart.
 */
final class CpuWindow {

	private final long serverPid;

	private final long startNanos = System.nanoTime();

	private final long serverStart;

	private final long clientStart = ProcStats.cpuTicks(ProcessHandle.current().pid());

	private final long[] machineStart = ProcStats.machineTicks();

	private CpuWindow(long serverPid) {
		this.serverPid = serverPid;
		this.serverStart = ProcStats.cpuTicks(serverPid);
	}

	static CpuWindow start(long serverPid) {
		return new CpuWindow(serverPid);
	}

	/** Ends the window and puts the CPU figures into {@code line}. */
	Usage stop(JsonLine line) {
		double seconds = (System.nanoTime() - this.startNanos) / 1e9;
		double serverCpu = (ProcStats.cpuTicks(this.serverPid) - this.serverStart) / ProcStats.TICKS_PER_SECOND;
		double clientCpu = (ProcStats.cpuTicks(ProcessHandle.current().pid()) - this.clientStart)
				/ ProcStats.TICKS_PER_SECOND;
		long[] machine = ProcStats.machineTicks();
		long total = machine[1] - this.machineStart[1];
		line.put("server_cpu_pct", serverCpu / seconds * 100, 1);
		line.put("client_cpu_pct", clientCpu / seconds * 100, 1);
		if (total > 0) {
			line.put("machine_busy_pct", 100.0 * (machine[0] - this.machineStart[0]) / total, 1);
		}
		return new Usage(seconds, serverCpu);
	}

	/**
	 * A finished window.
	 * @param seconds its length
	 * @param serverCpuSeconds the server's CPU time in it
	 */
	record Usage(double seconds, double serverCpuSeconds) {

		/** Puts the server's CPU microseconds per unit of work done in the window (a message, a handshake). */
		void perUnit(JsonLine line, long units, String name) {
			if (units > 0) {
				line.put(name, this.serverCpuSeconds * 1e6 / units, 2);
			}
		}

	}

}
