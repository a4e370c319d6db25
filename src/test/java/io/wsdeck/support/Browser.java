package io.wsdeck.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's headless Chromium, driven through Debian's chromedriver, one per test class:
 * {@code @RegisterExtension static final Browser browser = new Browser();}.
 * <p>
 * Both programs are given by absolute path. A {@link ChromeDriverService} with an executable makes Selenium skip
 * Selenium Manager entirely, so nothing is ever downloaded; where they are missing, {@link ExternalProgram}'s rule
 * applies (skip locally, fail on CI). After each test the whole page is saved to
 * {@code target/screenshots/<TestClass>.<test>.png}, to look at and to diagnose failures with.
 */
public final class Browser implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

	public static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	private static final String INSTALL = "apt-get install -y chromium chromium-driver";

	private static final Path SCREENSHOTS = Path.of("target", "screenshots");

	private static final Dimension LAPTOP = new Dimension(1366, 900);

	/**
	 * Selenium looks for a devtools module matching Chromium's version at every start and warns when it finds none.
	 * These tests never use that module (screenshots go through chromedriver's own CDP command), so the warning is
	 * noise. JUL holds loggers weakly: the fields keep the levels set.
	 */
	private static final List<Logger> QUIETED = List.of(Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder"),
			Logger.getLogger("org.openqa.selenium.chromium.ChromiumDriver"));

	static {
		QUIETED.forEach((logger) -> logger.setLevel(Level.SEVERE));
	}

	private final List<String> extraArguments;

	private ChromeDriverService service;

	private ChromeDriver driver;

	private Path profile;

	/** @param extraArguments more Chromium switches, e.g. {@code --ignore-certificate-errors} for a test certificate */
	public Browser(String... extraArguments) {
		this.extraArguments = List.of(extraArguments);
	}

	@Override
	public void beforeAll(ExtensionContext context) throws IOException {
		ExternalProgram.require(CHROMIUM, "Chromium", INSTALL);
		ExternalProgram.require(CHROMEDRIVER, "chromedriver", INSTALL);
		this.profile = Files.createTempDirectory("wsdeck-chromium-");
		this.service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.build();
		this.driver = new ChromeDriver(this.service, options(this.profile, this.extraArguments));
		this.driver.manage().window().setSize(LAPTOP);
	}

	private static ChromeOptions options(Path profile, List<String> extraArguments) {
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
				"--disable-default-apps", "--disable-extensions", "--window-size=1366,900",
				"--user-data-dir=" + profile.toAbsolutePath());
		options.addArguments(extraArguments);
		LoggingPreferences logging = new LoggingPreferences();
		logging.enable(LogType.BROWSER, Level.ALL); // the page's console, for consoleErrors()
		options.setCapability(ChromeOptions.LOGGING_PREFS, logging);
		return options;
	}

	public WebDriver driver() {
		return this.driver;
	}

	/** Runs a script in the page; {@code arguments[0]…} are the extra arguments. */
	public Object script(String script, Object... arguments) {
		return ((JavascriptExecutor) this.driver).executeScript(script, arguments);
	}

	/** Resizes the window, e.g. to a phone's viewport (CSS pixels). */
	public void resize(int width, int height) {
		this.driver.manage().window().setSize(new Dimension(width, height));
	}

	/** Console messages of level SEVERE since the last call (reading the browser log empties it). */
	public List<String> consoleErrors() {
		return this.driver.manage()
			.logs()
			.get(LogType.BROWSER)
			.getAll()
			.stream()
			.filter((entry) -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
			.map(LogEntry::getMessage)
			.toList();
	}

	/** Saves the whole page, not only the visible part, as {@code target/screenshots/<name>.png}. */
	@SuppressWarnings("unchecked")
	public Path screenshot(String name) throws IOException {
		script("window.scrollTo(0, 0);"); // sticky panels are drawn where they are at the top of the page
		Map<String, Object> metrics = this.driver.executeCdpCommand("Page.getLayoutMetrics", Map.of());
		Map<String, Number> size = (Map<String, Number>) metrics.get("cssContentSize");
		Map<String, Object> shot = this.driver.executeCdpCommand("Page.captureScreenshot",
				Map.of("format", "png", "captureBeyondViewport", true, "clip", Map.of("x", 0, "y", 0, "width",
						size.get("width"), "height", size.get("height"), "scale", 1)));
		Files.createDirectories(SCREENSHOTS);
		Path file = SCREENSHOTS.resolve(name + ".png");
		Files.write(file, Base64.getDecoder().decode((String) shot.get("data")));
		return file;
	}

	@Override
	public void afterEach(ExtensionContext context) throws IOException {
		if (this.driver != null) {
			screenshot(context.getRequiredTestClass().getSimpleName() + "." + context.getRequiredTestMethod().getName());
			this.driver.manage().window().setSize(LAPTOP);
		}
	}

	@Override
	public void afterAll(ExtensionContext context) throws IOException {
		try {
			if (this.driver != null) {
				this.driver.quit();
			}
		}
		finally {
			if (this.service != null) {
				this.service.stop();
			}
			deleteProfile();
		}
	}

	/** Best effort: Chromium may still be writing to its profile for a moment after quitting. */
	private void deleteProfile() throws IOException {
		if (this.profile == null) {
			return;
		}
		try (Stream<Path> files = Files.walk(this.profile)) {
			files.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
	}

}
