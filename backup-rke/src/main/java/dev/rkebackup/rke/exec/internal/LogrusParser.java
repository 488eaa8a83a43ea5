package dev.rkebackup.rke.exec.internal;

import dev.rkebackup.rke.exec.RkeLogLevel;
import dev.rkebackup.rke.exec.RkeOutputLine;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses lines written by logrus' TextFormatter, as RKE prints them: {@code time="..." level=info msg="..."}
 * when the output is not a terminal, {@code INFO[0005] message} (with ANSI colours) when it is. Anything else
 * becomes an {@link RkeLogLevel#UNKNOWN} line holding the whole text. Stateless and thread-safe.
 */
public final class LogrusParser {
    private static final Pattern ANSI = Pattern.compile("\u001b\\[[0-9;]*m");
    private static final Pattern TEXT = Pattern.compile("^time=(\"(?:[^\"\\\\]|\\\\.)*\"|\\S*) level=(\\w+) msg=(.*)$");
    private static final Pattern TTY = Pattern.compile("^(TRAC|DEBU|INFO|WARN|ERRO|FATA|PANI)\\[(\\d+)\\] ?(.*)$");

    private LogrusParser() {
    }

    /**
     * Parses one line.
     *
     * @param line the line without its line terminator
     * @param stream the stream it came from
     * @return the parsed line (never null)
     */
    public static RkeOutputLine parse(String line, RkeOutputLine.Stream stream) {
        String clean = ANSI.matcher(line).replaceAll("");
        Matcher text = TEXT.matcher(clean);
        if (text.matches()) {
            return new RkeOutputLine(stream, RkeLogLevel.parse(text.group(2)), value(text.group(3)), clean);
        }
        Matcher tty = TTY.matcher(clean);
        if (tty.matches()) {
            return new RkeOutputLine(stream, RkeLogLevel.parse(tty.group(1)), tty.group(3).strip(), clean);
        }
        return new RkeOutputLine(stream, RkeLogLevel.UNKNOWN, clean, clean);
    }

    /** Returns the first logfmt value of {@code rest}: a Go-quoted string (unescaped) or a bare word. */
    static String value(String rest) {
        if (!rest.startsWith("\"")) {
            int space = rest.indexOf(' ');
            return space < 0 ? rest : rest.substring(0, space);
        }
        StringBuilder out = new StringBuilder();
        for (int i = 1; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if (c == '"') {
                return out.toString();
            }
            if (c != '\\' || i + 1 >= rest.length()) {
                out.append(c);
                continue;
            }
            char e = rest.charAt(++i);
            switch (e) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'a' -> out.append('\u0007');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'v' -> out.append('\u000b');
                case 'x' -> i = hex(rest, i, 2, out);
                case 'u' -> i = hex(rest, i, 4, out);
                case 'U' -> i = hex(rest, i, 8, out);
                default -> out.append(e);
            }
        }
        return out.toString(); // unterminated quote: keep what we have
    }

    private static int hex(String s, int at, int digits, StringBuilder out) {
        if (at + digits >= s.length()) {
            out.append(s, at - 1, s.length());
            return s.length();
        }
        try {
            out.appendCodePoint(Integer.parseInt(s.substring(at + 1, at + 1 + digits), 16));
        } catch (IllegalArgumentException e) {
            out.append('\\').append(s.charAt(at));
            return at;
        }
        return at + digits;
    }
}
