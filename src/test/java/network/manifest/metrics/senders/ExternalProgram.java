package network.manifest.metrics.senders;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One real program (Prometheus, vmalert, ...) started by a test on a loopback port, its output kept in
 * a log file under target/real-senders, stopped when the test is done.
 */
final class ExternalProgram implements AutoCloseable {

	static final Path LOGS = Path.of("target", "real-senders");

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final String name;

	private final Process process;

	private final Path log;

	private ExternalProgram(String name, Process process, Path log) {
		this.name = name;
		this.process = process;
		this.log = log;
	}

	/** Where the program is on the PATH, or {@code null}. */
	static Path find(String executable) {
		for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
			Path candidate = Path.of(dir, executable);
			if (Files.isExecutable(candidate)) {
				return candidate;
			}
		}
		return null;
	}

	/** A free TCP port on loopback (the program binds it right after). */
	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/** Starts the program; {@code logName} names its log file. */
	static ExternalProgram start(String logName, Path workDir, String executable, String... args) {
		List<String> command = new ArrayList<>();
		command.add(executable);
		command.addAll(List.of(args));
		try {
			Files.createDirectories(LOGS);
			Path log = LOGS.resolve(logName + ".log");
			Process process = new ProcessBuilder(command).directory(workDir.toFile())
				.redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			return new ExternalProgram(logName, process, log);
		}
		catch (IOException e) {
			throw new UncheckedIOException("cannot start " + command, e);
		}
	}

	/** Waits (bounded) until {@code url} answers 200. */
	ExternalProgram awaitReady(String url) {
		await(name + " ready at " + url).atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> {
				if (!process.isAlive()) {
					throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + output());
				}
				return status(url) == 200;
			});
		return this;
	}

	/** Waits (bounded) until the program exits by itself and returns its exit code. */
	int awaitExit(Duration atMost) throws InterruptedException {
		if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
			throw new IllegalStateException(name + " still runs after " + atMost + ":\n" + output());
		}
		return process.exitValue();
	}

	/** Everything the program printed so far. */
	String output() {
		try {
			return Files.readString(log);
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	static int status(String url) {
		try {
			return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
					HttpResponse.BodyHandlers.discarding()).statusCode();
		}
		catch (IOException e) {
			return -1;
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			return -1;
		}
	}

	@Override
	public void close() throws InterruptedException {
		process.destroy();
		if (!process.waitFor(20, TimeUnit.SECONDS)) {
			process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
	}

}
