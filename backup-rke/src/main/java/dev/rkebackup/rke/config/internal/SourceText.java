package dev.rkebackup.rke.config.internal;

import dev.rkebackup.core.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The text of a cluster config exactly as it is on disk: UTF-8 decoded strictly, size-capped, with an index of line
 * starts so that parser marks (line, code point column) map back to character offsets. Not a published API.
 *
 * <p>Immutable and thread-safe.
 */
public final class SourceText {
    /** Largest config accepted, in bytes. Real cluster.yml files are a few KiB; inline keys and CAs stay far below. */
    public static final int MAX_BYTES = 1024 * 1024;

    private static final char BOM = '\uFEFF';

    private final String name;
    private final String text;
    private final boolean bom;
    private final int[] lineStarts;

    private SourceText(String name, String text, boolean bom) {
        this.name = name;
        this.text = text;
        this.bom = bom;
        this.lineStarts = indexLines(text);
    }

    /**
     * Reads a file, refusing big files before reading and bytes that are not UTF-8.
     *
     * @param path the file
     * @return its text
     * @throws InvalidInputException if the file is missing, not a regular file, too big, empty or not UTF-8
     */
    public static SourceText read(Path path) {
        String shown = path.toString();
        try {
            if (!Files.exists(path)) {
                throw new InvalidInputException(shown + ": cluster config file not found. Pass the path of the "
                        + "cluster.yml (e.g. rancher-cluster.yml) that was given to `rke up --config`.");
            }
            if (!Files.isRegularFile(path)) {
                throw new InvalidInputException(shown + ": not a regular file. Pass the path of the cluster.yml file.");
            }
            long size = Files.size(path);
            if (size > MAX_BYTES) {
                throw tooBig(shown, size);
            }
            byte[] bytes;
            try (InputStream in = Files.newInputStream(path)) {
                // bounded read: the file may grow between size() and here
                bytes = in.readNBytes(MAX_BYTES + 1);
            }
            if (bytes.length > MAX_BYTES) {
                throw tooBig(shown, bytes.length);
            }
            return decode(bytes, shown);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(shown + ": cluster config file not found. Pass the path of the "
                    + "cluster.yml that was given to `rke up --config`.", e);
        } catch (IOException e) {
            throw new InvalidInputException(shown + ": cannot read the cluster config (" + e.getClass().getSimpleName()
                    + "). Check the path and its permissions.", e);
        }
    }

    private static InvalidInputException tooBig(String shown, long size) {
        return new InvalidInputException(shown + ": " + size + " bytes is too big for an RKE cluster config (limit "
                + MAX_BYTES + " bytes). Check that this is the cluster.yml and not a snapshot or log file.");
    }

    /**
     * Decodes bytes as strict UTF-8 (an initial byte order mark is accepted and kept).
     *
     * @param bytes the file content
     * @param name file name for messages
     * @return the text
     * @throws InvalidInputException if the bytes are not UTF-8, naming the line of the first bad byte
     */
    public static SourceText decode(byte[] bytes, String name) {
        if (bytes.length > MAX_BYTES) {
            throw tooBig(name, bytes.length);
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int bad = in.position();
            int line = 1;
            for (int i = 0; i < bad; i++) {
                if (bytes[i] == '\n') {
                    line++;
                }
            }
            throw new InvalidInputException(name + ": line " + line + ": byte " + bad + " is not valid UTF-8. RKE "
                    + "reads cluster.yml as UTF-8; re-save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`).");
        }
        out.flip();
        return of(out.toString(), name);
    }

    /**
     * Wraps text that is already decoded.
     *
     * @param text the config text (a leading byte order mark is kept apart)
     * @param name file name for messages
     * @return the source text
     * @throws InvalidInputException if the text is longer than {@link #MAX_BYTES} characters
     */
    public static SourceText of(String text, String name) {
        if (text.length() > MAX_BYTES) {
            throw tooBig(name, text.length());
        }
        boolean bom = !text.isEmpty() && text.charAt(0) == BOM;
        return new SourceText(name, bom ? text.substring(1) : text, bom);
    }

    private static int[] indexLines(String text) {
        int[] starts = new int[16];
        int count = 0;
        starts[count++] = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean lineEnd = c == '\n' || c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n');
            if (lineEnd) {
                if (count == starts.length) {
                    starts = Arrays.copyOf(starts, count * 2);
                }
                starts[count++] = i + 1;
            }
        }
        return Arrays.copyOf(starts, count);
    }

    /** @return the name used in messages (usually the path) */
    public String name() {
        return name;
    }

    /** @return the text without a leading byte order mark */
    public String text() {
        return text;
    }

    /** @return true when the original started with a UTF-8 byte order mark */
    public boolean hasBom() {
        return bom;
    }

    /** @return the number of lines (a final line without terminator counts) */
    public int lineCount() {
        return lineStarts.length;
    }

    /**
     * Character offset of a parser mark.
     *
     * @param line zero-based line
     * @param codePointColumn zero-based column in code points
     * @return offset into {@link #text()}
     */
    public int offset(int line, int codePointColumn) {
        if (line >= lineStarts.length) {
            return text.length();
        }
        int start = lineStarts[line];
        int end = lineEnd(line);
        int avail = text.codePointCount(start, end);
        if (codePointColumn > avail) {
            return end;
        }
        return text.offsetByCodePoints(start, codePointColumn);
    }

    /** @param line zero-based line @return offset of its first character */
    public int lineStart(int line) {
        return line >= lineStarts.length ? text.length() : lineStarts[line];
    }

    /** @param line zero-based line @return offset just after its content, before the line terminator */
    public int lineEnd(int line) {
        int next = line + 1 < lineStarts.length ? lineStarts[line + 1] : text.length();
        int end = next;
        while (end > lineStarts[line] && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
            end--;
        }
        return end;
    }

    /** @param line zero-based line @return offset of the next line's start (after the terminator) */
    public int nextLineStart(int line) {
        return line + 1 < lineStarts.length ? lineStarts[line + 1] : text.length();
    }

    /** @param line zero-based line @return its content without the terminator */
    public String line(int line) {
        return text.substring(lineStart(line), lineEnd(line));
    }

    /** @param offset character offset @return zero-based line containing it */
    public int lineOf(int offset) {
        int idx = Arrays.binarySearch(lineStarts, offset);
        return idx >= 0 ? idx : -idx - 2;
    }

    /** @return {@code \r\n} when the file uses it, otherwise {@code \n} */
    public String lineSeparator() {
        int nl = text.indexOf('\n');
        return nl > 0 && text.charAt(nl - 1) == '\r' ? "\r\n" : "\n";
    }

    /** @return the UTF-8 bytes, with the byte order mark when the original had one */
    public byte[] bytes() {
        return ((bom ? String.valueOf(BOM) : "") + text).getBytes(StandardCharsets.UTF_8);
    }
}
