package dev.rkebackup.rke.exec;

import java.util.Locale;

/** Level of one line RKE printed: the logrus levels, plus {@link #UNKNOWN} for lines that are not log lines. */
public enum RkeLogLevel {
    /** logrus {@code trace} ({@code TRAC}). */
    TRACE,
    /** logrus {@code debug} ({@code DEBU}). */
    DEBUG,
    /** logrus {@code info} ({@code INFO}). */
    INFO,
    /** logrus {@code warning} ({@code WARN}). */
    WARNING,
    /** logrus {@code error} ({@code ERRO}). */
    ERROR,
    /** logrus {@code fatal} ({@code FATA}); RKE exits 1 right after it. */
    FATAL,
    /** logrus {@code panic} ({@code PANI}). */
    PANIC,
    /** Not a logrus line: a Go panic trace, urfave/cli usage text, {@code rke version ...}. */
    UNKNOWN;

    /**
     * Maps a logrus level name ({@code info}, {@code warning}, {@code warn}) or TTY abbreviation ({@code INFO},
     * {@code WARN}, {@code ERRO}, {@code FATA}, {@code DEBU}, {@code TRAC}, {@code PANI}).
     *
     * @param text the level text
     * @return the level, {@link #UNKNOWN} when not recognised
     */
    public static RkeLogLevel parse(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        if (t.startsWith("trac")) {
            return TRACE;
        } else if (t.startsWith("debu")) {
            return DEBUG;
        } else if (t.equals("info")) {
            return INFO;
        } else if (t.startsWith("warn")) {
            return WARNING;
        } else if (t.startsWith("erro")) {
            return ERROR;
        } else if (t.startsWith("fata")) {
            return FATAL;
        } else if (t.startsWith("pani")) {
            return PANIC;
        }
        return UNKNOWN;
    }
}
