package dev.rkebackup.rke.config.internal;

import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * A scalar rendered for insertion into YAML text: inline (plain or double-quoted) or as a literal block.
 * Immutable; not a published API.
 */
public final class RenderedScalar {
    private static final Resolver RESOLVER = new Resolver();

    private final String value;
    private final String inline;
    private final boolean plainOk;
    private final String blockHeader;
    private final boolean literal;

    private RenderedScalar(String value, String inline, boolean plainOk, String blockHeader, boolean literal) {
        this.value = value;
        this.inline = inline;
        this.plainOk = plainOk;
        this.blockHeader = blockHeader;
        this.literal = literal;
    }

    /**
     * Renders a string value: plain when that reads back as the same string, a literal block for multi-line text that
     * allows it, otherwise double-quoted with escapes.
     *
     * @param value the text
     * @return the rendering
     */
    public static RenderedScalar of(String value) {
        return of(value, plainOk(value));
    }

    /**
     * Renders a number or boolean as a plain scalar.
     *
     * @param value e.g. {@code 12} or {@code true}
     * @return the rendering
     */
    public static RenderedScalar literal(Object value) {
        return new RenderedScalar(String.valueOf(value), String.valueOf(value), true, null, true);
    }

    static boolean plainOk(String v) {
        // "-" alone is a sequence entry and "x:" a key, though both match the characters allowed here
        if (v.isEmpty() || v.equals("-") || !v.matches("[A-Za-z0-9_./~-][A-Za-z0-9_./~@:+=-]*") || v.endsWith(":")) {
            return false;
        }
        return Tag.STR.equals(RESOLVER.resolve(NodeId.scalar, v, true));
    }

    private static RenderedScalar of(String value, boolean plainOk) {
        if (value.indexOf('\n') >= 0 && literalOk(value)) {
            String chomp = value.endsWith("\n\n") ? "+" : value.endsWith("\n") ? "" : "-";
            return new RenderedScalar(value, quote(value), false, "|" + chomp, false);
        }
        return new RenderedScalar(value, plainOk ? value : quote(value), plainOk, null, false);
    }

    private static boolean literalOk(String v) {
        if (v.startsWith(" ") || v.startsWith("\n") || v.indexOf('\r') >= 0 || v.indexOf('\t') >= 0) {
            return false;
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < 0x20 && c != '\n' || c == 0x7F || c == '\uFEFF') {
                return false;
            }
        }
        for (String line : v.split("\n", -1)) {
            // trailing blanks are invisible and easily lost by editors; such text is quoted instead
            if (line.endsWith(" ")) {
                return false;
            }
        }
        return true;
    }

    /**
     * Double-quotes a string with YAML escapes.
     *
     * @param v the text
     * @return {@code "..."}
     */
    public static String quote(String v) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7F || c >= 0x80 && c < 0xA0 || c == '\uFEFF' || c == '\u2028'
                            || c == '\u2029') {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** @return the value this renders */
    public String value() {
        return value;
    }

    /** @return true when rendered plain (unquoted) */
    public boolean plainOk() {
        return plainOk;
    }

    /** @return true for a number or boolean (not a string) */
    public boolean isLiteral() {
        return literal;
    }

    /** @return true when rendered as a multi-line literal block */
    public boolean multiLine() {
        return blockHeader != null;
    }

    /** @return the single-line rendering (plain or quoted) */
    public String inline() {
        return inline;
    }

    /**
     * Renders {@code key: value} lines.
     *
     * @param key the key
     * @param indent spaces before the key
     * @param step indentation of block content relative to the key
     * @param nl line separator
     * @return the entry, ending with {@code nl}
     */
    public String asEntry(String key, int indent, int step, String nl) {
        String pad = " ".repeat(indent);
        if (blockHeader == null) {
            return pad + key + ": " + inline + nl;
        }
        StringBuilder sb = new StringBuilder(pad).append(key).append(": ").append(blockHeader).append(nl);
        String body = value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
        String inner = " ".repeat(indent + step);
        for (String line : body.split("\n", -1)) {
            sb.append(line.isEmpty() ? "" : inner + line).append(nl);
        }
        return sb.toString();
    }
}
