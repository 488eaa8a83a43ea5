package dev.rkebackup.rke.config.internal;

import java.util.ArrayList;
import java.util.List;

/** Block-style YAML entries to insert, rendered at a given indentation. Immutable; not a published API. */
public final class Lines {
    private final List<Object[]> entries;

    private Lines(List<Object[]> entries) {
        this.entries = List.copyOf(entries);
    }

    /** @return no entries */
    public static Lines empty() {
        return new Lines(List.of());
    }

    /**
     * Adds a scalar entry.
     *
     * @param key the key
     * @param value its rendering
     * @return a new instance
     */
    public Lines with(String key, RenderedScalar value) {
        List<Object[]> copy = new ArrayList<>(entries);
        copy.add(new Object[] {key, value});
        return new Lines(copy);
    }

    /**
     * Adds a nested mapping entry.
     *
     * @param key the key
     * @param children its entries (must not be empty)
     * @return a new instance
     */
    public Lines with(String key, Lines children) {
        List<Object[]> copy = new ArrayList<>(entries);
        copy.add(new Object[] {key, children});
        return new Lines(copy);
    }

    /** @return true without entries */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /**
     * Renders the entries.
     *
     * @param indent spaces before each key
     * @param step indentation step for nested content
     * @param nl line separator
     * @return the text, each line ending with {@code nl}
     */
    public String render(int indent, int step, String nl) {
        StringBuilder sb = new StringBuilder();
        for (Object[] e : entries) {
            String key = (String) e[0];
            if (e[1] instanceof RenderedScalar r) {
                sb.append(r.asEntry(key, indent, step, nl));
            } else {
                sb.append(" ".repeat(indent)).append(key).append(':').append(nl);
                sb.append(((Lines) e[1]).render(indent + step, step, nl));
            }
        }
        return sb.toString();
    }
}
