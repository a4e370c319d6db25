package io.wsdeck.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.wsdeck.bench.measure.ConnectionBurst;
import io.wsdeck.bench.measure.EchoLoad;
import io.wsdeck.bench.measure.HandshakeChurn;
import io.wsdeck.bench.measure.IdleFootprint;
import io.wsdeck.bench.measure.LargeRoundTrip;
import io.wsdeck.bench.measure.ProcStats;
import io.wsdeck.bench.measure.Target;
import io.wsdeck.bench.measure.Window;
import io.wsdeck.bench.report.JsonLine;
import io.wsdeck.bench.report.Machine;
import io.wsdeck.bench.report.ResultTable;
import io.wsdeck.bench.server.NodeWs;
import io.wsdeck.bench.server.RawTomcat;
import io.wsdeck.bench.server.Server;
import io.wsdeck.bench.server.ServerProcess;
import io.wsdeck.bench.server.WsdeckJar;

/**
 * The benchmark's run: for each round, each server in turn (odd rounds in order, even rounds reversed, so a drift in
 * the machine's load hits every server alike) is started up to four times on a fresh loopback port: for
 * {@code idle}, for {@code idle-deflate} if it negotiates compression, for {@code echo}, {@code echo-deflate},
 * {@code large}, {@code large-deflate} (the deflate ones only if it negotiates compression) and {@code churn}, and
 * for {@code burst}. Each
 * process is stopped by its PID before the next starts, so client and one server share the machine. Every
 * measurement appends a JSON line to {@code target/bench/results-*.jsonl}; the end prints one table.
 * <p>
 * usage: {@code Benchmark TARGET_DIR}, knobs in the environment ({@link Settings}); run by {@code ./mvnw -Pbench}.
 */
public final class Benchmark {

	/** Natively a server answers within seconds; emulated (src/bench/vm), wsdeck took 50-60 s, more when shared. */
	private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

	private final Settings settings;

	private final Path target;

	private final Path output;

	private final Path results;

	private final List<JsonLine> lines = new ArrayList<>();

	private Benchmark(Settings settings, Path target, String stamp) {
		this.settings = settings;
		this.target = target;
		this.output = target.resolve("bench");
		this.results = this.output.resolve("results-" + stamp + ".jsonl");
	}

	public static void main(String[] args) throws Exception {
		Settings settings = fitIdleCountToOpenFilesLimit(Settings.fromEnvironment());
		stopAfter(settings.maxRun());
		String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
		int status;
		try {
			status = new Benchmark(settings, Path.of((args.length > 0) ? args[0] : "target"), stamp).run();
		}
		finally {
			ServerProcess.stopAll();
		}
		System.exit(status);
	}

	/** @return 0 if every measurement gave a figure, 2 if some failed (the table shows which) */
	private int run() throws Exception {
		Files.createDirectories(this.output.resolve("run"));
		Settings settings = this.settings;
		List<Server> servers = servers();
		try {
			System.out.println("# " + LocalDateTime.now().withNano(0) + " on " + Machine.describe());
			System.out.println("# " + settings.summary());
			servers.forEach(server -> System.out.println("# " + server.description()));
			System.out.println("# results -> " + this.results);
			for (int round = 1; round <= settings.rounds(); round++) {
				List<Server> order = new ArrayList<>(servers);
				if (round % 2 == 0) {
					Collections.reverse(order);
				}
				for (Server server : order) {
					measure(server, round);
				}
			}
		}
		finally {
			for (Server server : servers) {
				server.close();
			}
		}
		ResultTable table = new ResultTable(this.lines, servers.stream().map(Server::name).toList());
		StringBuilder report = new StringBuilder(table.markdown()).append('\n')
			.append("Medians over ")
			.append(settings.rounds())
			.append(" round(s)")
			.append((settings.rounds() > 1) ? ", each round's value in parentheses" : "")
			.append(". wsdeck / peer: wsdeck's figure divided by the peer's; above 1 is better for msgs/s and ")
			.append("handshakes/s, below 1 for the rest. RSS per idle session: growth of the server's resident set ")
			.append("divided by open sessions. Load average at the end: ")
			.append(Machine.loadAverage())
			.append(".\n");
		table.notes().forEach(note -> report.append("- note: ").append(note).append('\n'));
		System.out.println();
		System.out.println(report);
		Files.writeString(this.output.resolve(this.results.getFileName().toString().replace(".jsonl", ".md")),
				report);
		return this.lines.stream().anyMatch(line -> line.has("error")) ? 2 : 0;
	}

	private void measure(Server server, int round) throws InterruptedException {
		Settings settings = this.settings;
		Path jcmd = server.isJvm() ? settings.jcmd() : null;
		phase(server, round, "idle", List.of(new Measurement("idle", (process, address) -> new IdleFootprint(
				settings.idleCount(), settings.idleWarm(), settings.settle(), false, jcmd)
			.run(target(address, server.textPath(), server.textGreetings(), process)))));
		if (server.negotiatesDeflate()) {
			phase(server, round, "idle-deflate", List.of(new Measurement("idle-deflate",
					(process, address) -> new IdleFootprint(settings.idleCount(), settings.idleWarm(),
							settings.settle(), true, jcmd)
						.run(target(address, server.textPath(), server.textGreetings(), process)))));
		}
		List<Measurement> load = new ArrayList<>();
		load.add(echo("echo", server, false));
		if (server.negotiatesDeflate()) {
			load.add(echo("echo-deflate", server, true));
		}
		load.add(large("large", server, false));
		if (server.negotiatesDeflate()) {
			load.add(large("large-deflate", server, true));
		}
		load.add(
				new Measurement("churn",
						(process, address) -> new HandshakeChurn(settings.churnWorkers(),
								new Window(settings.churnWarmup(), settings.churnWindow(), settings.jitWait()), settings.churnMax(),
								settings.clientThreads())
							.run(target(address, server.textPath(), server.textGreetings(), process))));
		phase(server, round, "load", load);
		phase(server, round, "burst", List.of(new Measurement("burst",
				(process, address) -> new ConnectionBurst(settings.burstClients(), settings.bursts(),
						settings.clientThreads())
					.run(target(address, server.textPath(), server.textGreetings(), process)))));
	}

	/** The large round trip, from a client that offers permessage-deflate if {@code deflate}. */
	private Measurement large(String test, Server server, boolean deflate) {
		Settings settings = this.settings;
		return new Measurement(test,
				(process, address) -> new LargeRoundTrip(settings.largeBytes(), settings.largeRuns(),
						settings.largeWarmups(), deflate)
					.run(target(address, server.binaryPath(), 0, process)));
	}

	/** The echo load, from clients that offer permessage-deflate and compress what they send if {@code deflate}. */
	private Measurement echo(String test, Server server, boolean deflate) {
		Settings settings = this.settings;
		return new Measurement(test,
				(process, address) -> new EchoLoad(settings.connections(), settings.inFlight(), settings.messageBytes(),
						new Window(settings.echoWarmup(), settings.echoWindow(), settings.jitWait()),
						settings.clientThreads(), deflate)
					.run(target(address, server.textPath(), server.textGreetings(), process)));
	}

	/**
	 * Starts a fresh process of {@code server}, runs those of the measurements that {@code BENCH_TESTS} selects,
	 * stops it.
	 */
	private void phase(Server server, int round, String phase, List<Measurement> all) throws InterruptedException {
		List<Measurement> measurements = all.stream()
			.filter(measurement -> this.settings.tests().contains(measurement.test()))
			.toList();
		if (measurements.isEmpty()) {
			return;
		}
		System.err.println("## round " + round + ": " + server.name() + " " + phase);
		Path log = this.output.resolve("logs").resolve(server.name() + "-r" + round + "-" + phase + ".log");
		try {
			int port = ServerProcess.freePort();
			InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
			try (ServerProcess process = server.start(port, log)) {
				process.awaitReady(address, server.textPath(), START_TIMEOUT);
				for (Measurement measurement : measurements) {
					JsonLine line = heading(measurement.test(), server, round);
					try {
						line.putAll(measurement.body().run(process, address));
					}
					catch (Exception ex) {
						line.put("error", String.valueOf(ex));
					}
					record(line);
				}
			}
		}
		catch (IOException ex) {
			for (Measurement measurement : measurements) {
				record(heading(measurement.test(), server, round).put("error", ex.getMessage()));
			}
		}
		Thread.sleep(1000); // the stopped server's sockets and memory are released before the next starts
	}

	private static JsonLine heading(String test, Server server, int round) {
		return new JsonLine().put("test", test).put("server", server.name()).put("round", round);
	}

	private void record(JsonLine line) {
		this.lines.add(line);
		System.out.println(line);
		try {
			Files.writeString(this.results, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
					StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			System.err.println("cannot append to " + this.results + ": " + ex);
		}
	}

	private static Target target(InetSocketAddress address, String path, int greetings, ServerProcess process) {
		return new Target(address, path, greetings, process.pid());
	}

	private List<Server> servers() throws Exception {
		Settings settings = this.settings;
		List<Server> servers = new ArrayList<>();
		Path workingDirectory = this.output.resolve("run");
		for (String name : settings.servers()) {
			switch (name) {
				case "wsdeck" -> servers.add(new WsdeckJar(settings.serverJava(), WsdeckJar.findJar(this.target),
						settings.serverJvm(), workingDirectory, settings.wsdeckPath(),
						Settings.WSDECK_TEXT_PATHS.get(settings.wsdeckPath())));
				case "tomcat" ->
					servers.add(new RawTomcat(settings.serverJava(), settings.serverJvm(), workingDirectory));
				case "node" -> NodeWs.install().ifPresent(servers::add);
				default -> throw new IllegalArgumentException(
						"BENCH_SERVERS: unknown server '" + name + "'; known: wsdeck tomcat node");
			}
		}
		return servers;
	}

	/** Each idle session holds a descriptor in the client and one in the server: both must fit the limit. */
	private static Settings fitIdleCountToOpenFilesLimit(Settings settings) {
		long limit = ProcStats.openFilesLimit();
		if (limit < settings.idleCount() + 500L) {
			int fitting = (int) Math.max(100, limit - 500);
			System.out.println("# the open-files limit is " + limit + ": " + fitting + " idle sessions instead of "
					+ settings.idleCount() + " (raise it with ulimit -n for more)");
			return settings.withIdleCount(fitting);
		}
		return settings;
	}

	/** Ends the whole run, servers included (the shutdown hook stops them), once it has taken {@code limit}. */
	private static void stopAfter(Duration limit) {
		Thread watchdog = new Thread(() -> {
			try {
				Thread.sleep(limit.toMillis());
				System.err.println("the benchmark ran longer than " + limit.toMinutes()
						+ " minutes (BENCH_MAX_MINUTES): stopping it");
				System.exit(3);
			}
			catch (InterruptedException ex) {
				// the run ended first
			}
		}, "bench-watchdog");
		watchdog.setDaemon(true);
		watchdog.start();
	}

	/** A measurement against a started server process. */
	private record Measurement(String test, Body body) {

		interface Body {

			JsonLine run(ServerProcess process, InetSocketAddress address) throws Exception;

		}

	}

}
