package dev.rkebackup.examples.cli;

/**
 * Sets up slf4j-simple before the first logger exists: warnings only (to stderr), everything from the library with
 * {@code --verbose}. Standard output stays free for results and JSON.
 */
final class Logging {
    private Logging() {
    }

    static void configure(boolean verbose) {
        setIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
        setIfAbsent("org.slf4j.simpleLogger.log.org.apache.sshd", verbose ? "info" : "error");
        setIfAbsent("org.slf4j.simpleLogger.log.software.amazon", "warn");
        setIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
        // operators see "[WARN] message"; the logger (class) name only with --verbose
        setIfAbsent("org.slf4j.simpleLogger.showLogName", String.valueOf(verbose));
        setIfAbsent("org.slf4j.simpleLogger.showShortLogName", "false");
        setIfAbsent("org.slf4j.simpleLogger.levelInBrackets", "true");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
