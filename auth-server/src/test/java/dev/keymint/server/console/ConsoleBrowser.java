package dev.keymint.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.util.FileSystemUtils;

/**
 * Debian's Chromium, headless, driven through Debian's chromedriver: the paths are given, so
 * Selenium Manager never runs and nothing is downloaded. {@code KEYMINT_TEST_CHROMIUM} and
 * {@code KEYMINT_TEST_CHROMEDRIVER} point elsewhere; without a browser the test fails (CI installs
 * one: .ci/run). Each instance has a fresh profile. Screenshots go to
 * {@code target/console-screenshots/}.
 */
final class ConsoleBrowser implements AutoCloseable {

    static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    private static final Duration WAIT = Duration.ofSeconds(15);

    private final ChromeDriver driver;
    private final Path profile;
    private final String baseUrl;

    ConsoleBrowser(String baseUrl) {
        this.baseUrl = baseUrl;
        Path chromium = Path.of(System.getenv().getOrDefault("KEYMINT_TEST_CHROMIUM", "/usr/bin/chromium"));
        Path chromedriver = Path.of(System.getenv().getOrDefault("KEYMINT_TEST_CHROMEDRIVER", "/usr/bin/chromedriver"));
        assertThat(Files.isExecutable(chromium) && Files.isExecutable(chromedriver))
                .as("The console's browser tests need Chromium (%s) and chromedriver (%s): "
                        + "apt-get install chromium chromium-driver (.ci/run does)", chromium, chromedriver)
                .isTrue();
        try {
            profile = Files.createTempDirectory("keymint-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        // Headless as root, and no connection anywhere but this machine's server.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=1280,900");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
    }

    /** A fresh load of the page (signed out), even when only the fragment differs from the page shown now. */
    void open(String path) {
        driver.get("about:blank");
        driver.get(baseUrl + path);
    }

    ChromeDriver driver() {
        return driver;
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    WebElement visible(String css) {
        return wait(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
    }

    void gone(String css) {
        wait(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector(css)));
    }

    void textIn(String css, String text) {
        wait(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(css), text));
    }

    <T> T wait(java.util.function.Function<? super org.openqa.selenium.WebDriver, T> condition) {
        return new WebDriverWait(driver, WAIT).until(condition);
    }

    void click(String css) {
        wait(ExpectedConditions.elementToBeClickable(By.cssSelector(css))).click();
    }

    Object script(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(script, arguments);
    }

    void size(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    /** Saves what the page shows now as target/console-screenshots/{name}.png. */
    Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + ".png");
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the browser printed to its console: CSP refusals and script errors show up here. */
    List<String> consoleMessages() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::getMessage).toList();
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            FileSystemUtils.deleteRecursively(profile.toFile());
        }
    }
}
