package io.wsdeck.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark's knobs, from environment variables ({@code BENCH_ROUNDS=1 ./mvnw ...}). The defaults are those of
 * the shared peers' benchmark ({@code ../shared/bench}), so the figures of both compare.
 * @param servers which servers, in order: {@code BENCH_SERVERS} ("wsdeck tomcat node")
 * @param tests which measurements: {@code BENCH_TESTS} ("idle idle-deflate echo echo-deflate large large-deflate churn
 * burst")
 * @param rounds rounds over all servers, odd ones in order and even ones reversed: {@code BENCH_ROUNDS} (2)
 * @param echoWarmup {@code BENCH_ECHO_WARMUP} seconds (8) before the measured echo window
 * @param echoWindow {@code BENCH_ECHO_SECS} (10): the measured echo window
 * @param connections {@code BENCH_CONNS} (50): echo connections
 * @param inFlight {@code BENCH_INFLIGHT} (16): echo messages in flight per connection
 * @param messageBytes {@code BENCH_MESSAGE_BYTES} (32): echo message size
 * @param largeBytes {@code BENCH_LARGE_BYTES} (10000000): the large message
 * @param largeRuns {@code BENCH_LARGE_N} (7): timed large round trips, of which the median counts
 * @param largeWarmups {@code BENCH_LARGE_WARMUPS} (2): verified large round trips before them
 * @param churnWorkers {@code BENCH_CHURN_WORKERS} (16): sessions opened and closed at a time
 * @param churnWarmup {@code BENCH_CHURN_WARMUP} seconds (8)
 * @param jitWait {@code BENCH_JIT_WAIT} seconds (30): the most an echo or churn warm-up is extended while a JVM
 * server's JIT compilers are still busy ({@link io.wsdeck.bench.measure.Window})
 * @param churnWindow {@code BENCH_CHURN_SECS} (8)
 * @param churnMax {@code BENCH_CHURN_MAX} (2000000): most sessions one churn run opens, warm-up included
 * @param idleCount {@code BENCH_IDLE_COUNT} (8000): idle sessions; lowered to fit the open-files limit
 * @param idleWarm {@code BENCH_IDLE_WARM} (200): sessions opened and closed before the idle baseline
 * @param settle {@code BENCH_SETTLE_SECS} (3): quiet time before each memory reading
 * @param clientThreads {@code BENCH_CLIENT_THREADS} (2): the load client's selector threads
 * @param serverJava {@code BENCH_JAVA_HOME}: the JDK that runs wsdeck and Tomcat (default: the one running this)
 * @param serverJvm {@code BENCH_SERVER_JVM} ("-Xms256m -Xmx4g -XX:+UseG1GC"): their JVM options
 * @param maxRun {@code BENCH_MAX_MINUTES} (30): the whole run is stopped, servers and all, after this long
 * @param wsdeckPath {@code BENCH_WSDECK_PATH} ("/ws/text"): wsdeck's endpoint for the text measurements; "/ws/echo"
 * sends no greeting, for a comparison like for like with the peers, which send none
 * @param burstClients {@code BENCH_BURST_CLIENTS} (2000): clients opening their sessions at once in a burst
 * @param bursts {@code BENCH_BURSTS} (5): measured bursts, after two that warm the server up
 */
record Settings(List<String> servers, List<String> tests, int rounds, Duration echoWarmup, Duration echoWindow,
		int connections, int inFlight, int messageBytes, int largeBytes, int largeRuns, int largeWarmups,
		int churnWorkers, Duration churnWarmup, Duration jitWait, Duration churnWindow, long churnMax, int idleCount,
		int idleWarm, Duration settle, int clientThreads, Path serverJava, List<String> serverJvm, Duration maxRun,
		String wsdeckPath, int burstClients, int bursts) {

	/** Every measurement, in the order a round runs them. */
	static final List<String> TESTS = List.of("idle", "idle-deflate", "echo", "echo-deflate", "large", "large-deflate",
			"churn", "burst");

	/** wsdeck's endpoints that echo text, each with the greetings it sends first. */
	static final Map<String, Integer> WSDECK_TEXT_PATHS = Map.of("/ws/text", 1, "/ws", 1, "/ws/echo", 0);

	Settings {
		if (!WSDECK_TEXT_PATHS.containsKey(wsdeckPath)) {
			throw new IllegalArgumentException(
					"BENCH_WSDECK_PATH: '" + wsdeckPath + "' is not one of " + WSDECK_TEXT_PATHS.keySet());
		}
		for (String test : tests) {
			if (!TESTS.contains(test)) {
				throw new IllegalArgumentException("BENCH_TESTS: unknown test '" + test + "'; known: " + TESTS);
			}
		}
	}

	static Settings fromEnvironment() {
		return from(System.getenv());
	}

	static Settings from(Map<String, String> env) {
		Reader read = new Reader(env);
		return new Settings(read.words("BENCH_SERVERS", "wsdeck tomcat node"),
				read.words("BENCH_TESTS", String.join(" ", TESTS)), read.positive("BENCH_ROUNDS", 2),
				read.seconds("BENCH_ECHO_WARMUP", 8), read.seconds("BENCH_ECHO_SECS", 10),
				read.positive("BENCH_CONNS", 50), read.positive("BENCH_INFLIGHT", 16),
				read.positive("BENCH_MESSAGE_BYTES", 32), read.positive("BENCH_LARGE_BYTES", 10_000_000),
				read.positive("BENCH_LARGE_N", 7), read.positive("BENCH_LARGE_WARMUPS", 2),
				read.positive("BENCH_CHURN_WORKERS", 16), read.seconds("BENCH_CHURN_WARMUP", 8),
				read.seconds("BENCH_JIT_WAIT", 30),
				read.seconds("BENCH_CHURN_SECS", 8), read.positive("BENCH_CHURN_MAX", 2_000_000),
				read.positive("BENCH_IDLE_COUNT", 8000), read.positive("BENCH_IDLE_WARM", 200),
				read.seconds("BENCH_SETTLE_SECS", 3), read.positive("BENCH_CLIENT_THREADS", 2),
				Path.of(env.getOrDefault("BENCH_JAVA_HOME", System.getProperty("java.home")), "bin", "java"),
				read.words("BENCH_SERVER_JVM", "-Xms256m -Xmx4g -XX:+UseG1GC"),
				Duration.ofMinutes(read.positive("BENCH_MAX_MINUTES", 30)),
				env.getOrDefault("BENCH_WSDECK_PATH", "/ws/text").trim(), read.positive("BENCH_BURST_CLIENTS", 2000),
				read.positive("BENCH_BURSTS", 5));
	}

	/** The same settings with fewer idle sessions. */
	Settings withIdleCount(int count) {
		return new Settings(this.servers, this.tests, this.rounds, this.echoWarmup, this.echoWindow, this.connections,
				this.inFlight, this.messageBytes, this.largeBytes, this.largeRuns, this.largeWarmups, this.churnWorkers,
				this.churnWarmup, this.jitWait, this.churnWindow, this.churnMax, count, this.idleWarm, this.settle,
				this.clientThreads, this.serverJava, this.serverJvm, this.maxRun, this.wsdeckPath, this.burstClients,
				this.bursts);
	}

	/** The JDK's {@code jcmd} next to the servers' {@code java}, for full GCs. */
	Path jcmd() {
		return this.serverJava.resolveSibling("jcmd");
	}

	/** One line for the output's heading. */
	String summary() {
		return String.format(Locale.ROOT,
				"tests %s; rounds %d; echo %d conns x %d in flight x %d B, %d s warm-up + %d s;"
						+ " large %d B, median of %d after %d warm-ups; churn %d workers, %d s warm-up + %d s;"
						+ " warm-ups extended by up to %d s until a JVM's JIT is quiet;"
						+ " idle %d sessions; bursts %d x %d clients; client threads %d; server JVM %s",
				String.join(" ", this.tests), this.rounds, this.connections, this.inFlight, this.messageBytes,
				this.echoWarmup.toSeconds(), this.echoWindow.toSeconds(), this.largeBytes, this.largeRuns,
				this.largeWarmups, this.churnWorkers, this.churnWarmup.toSeconds(), this.churnWindow.toSeconds(),
				this.jitWait.toSeconds(),
				this.idleCount, this.bursts, this.burstClients, this.clientThreads, String.join(" ", this.serverJvm));
	}

	/** Reads one kind of value per method; a malformed value stops the run with the variable's name. */
	private record Reader(Map<String, String> env) {

		int positive(String name, int fallback) {
			String value = this.env.get(name);
			if (value == null || value.isBlank()) {
				return fallback;
			}
			try {
				int parsed = Integer.parseInt(value.trim());
				if (parsed > 0) {
					return parsed;
				}
			}
			catch (NumberFormatException ex) {
				// reported below
			}
			throw new IllegalArgumentException(name + " must be a whole number above 0; got '" + value + "'");
		}

		Duration seconds(String name, int fallback) {
			return Duration.ofSeconds(positive(name, fallback));
		}

		List<String> words(String name, String fallback) {
			String value = this.env.getOrDefault(name, fallback).trim();
			return value.isEmpty() ? List.of() : Arrays.asList(value.split("\\s+"));
		}

	}

}
