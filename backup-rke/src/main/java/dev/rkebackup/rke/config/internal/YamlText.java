package dev.rkebackup.rke.config.internal;

import dev.rkebackup.core.InvalidInputException;
import java.util.List;
import java.util.Optional;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Line-level surgery on YAML text guided by parser marks: every primitive changes only the lines (or the value span)
 * it must and returns new text; everything else stays byte for byte. Each primitive re-composes the current text, so
 * marks are always fresh. Immutable; not a published API.
 */
public final class YamlText {
    private final SourceText source;
    private final Node root;

    private YamlText(SourceText source) {
        this.source = source;
        this.root = SafeYaml.compose(source).orElse(null);
    }

    /**
     * Wraps text for editing.
     *
     * @param source the current text
     * @return the editable view
     */
    public static YamlText of(SourceText source) {
        return new YamlText(source);
    }

    /** @return the current text */
    public SourceText source() {
        return source;
    }

    /**
     * Finds the value node at a key path.
     *
     * @param path keys from the root
     * @return the node, empty when a key is missing
     */
    public Optional<Node> find(List<String> path) {
        Node cur = root;
        for (String key : path) {
            if (!(cur instanceof MappingNode m)) {
                return Optional.empty();
            }
            NodeTuple t = tuple(m, key);
            if (t == null) {
                return Optional.empty();
            }
            cur = t.getValueNode();
        }
        return Optional.ofNullable(cur);
    }

    private static NodeTuple tuple(MappingNode m, String key) {
        return YamlNodes.tuple(m, key);
    }

    private NodeTuple requireTuple(List<String> parentPath, String key) {
        Node parent = parentPath.isEmpty() ? root : find(parentPath).orElse(null);
        if (!(parent instanceof MappingNode m)) {
            return null;
        }
        return tuple(m, key);
    }

    /**
     * Sets a key of the block mapping at {@code parentPath}. An existing single-line scalar is replaced in place (the
     * rest of its line, e.g. a comment, stays); an existing multi-line or collection value has its entry lines
     * replaced; a missing key is appended after the mapping's last entry at the children's indentation.
     *
     * @param parentPath path of the mapping (must exist as a block mapping)
     * @param key the key
     * @param rendered scalar rendering, possibly multi-line (block scalar)
     * @return the edited text
     */
    public SourceText setScalar(List<String> parentPath, String key, RenderedScalar rendered) {
        MappingNode parent = blockMapping(parentPath);
        NodeTuple t = tuple(parent, key);
        if (t == null) {
            int indent = childIndent(parent, parentPath);
            return insertAfter(parent, rendered.asEntry(key, indent, step(), source.lineSeparator()));
        }
        requireKeyFirstOnLine(t, parentPath, key);
        requireNotAlias(t, parentPath, key);
        Node v = t.getValueNode();
        if (v instanceof ScalarNode same && same.getValue().equals(rendered.value()) && !SafeYaml.isNull(v)
                && (!rendered.isLiteral() || isPlain(same))) {
            return source; // same value: keep the file's own quoting and style
        }
        boolean singleLine = v instanceof ScalarNode s && s.getScalarStyle() != DumperOptions.ScalarStyle.LITERAL
                && s.getScalarStyle() != DumperOptions.ScalarStyle.FOLDED
                && v.getStartMark().getLine() == v.getEndMark().getLine()
                && v.getStartMark().getLine() == t.getKeyNode().getStartMark().getLine()
                && !SafeYaml.isNull(v);
        if (singleLine && !rendered.multiLine()) {
            int start = offset(v.getStartMark());
            int end = offset(v.getEndMark());
            return replace(start, end, rendered.inline());
        }
        int keyLine = t.getKeyNode().getStartMark().getLine();
        int indent = column(t.getKeyNode().getStartMark());
        int from = source.lineStart(keyLine);
        int to = source.nextLineStart(lastLine(v, keyLine));
        String entry = rendered.asEntry(key, indent, step(), source.lineSeparator());
        return replace(from, to, endsWithBreak(to) ? entry : stripFinalBreak(entry));
    }

    private static boolean isPlain(ScalarNode s) {
        return s.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN;
    }

    /**
     * Replaces a key's whole entry (key line through the last line of its value) with {@code key:} and block entries,
     * e.g. to turn a flow-style mapping into block style. The key must start its own line in a block mapping.
     *
     * @param parentPath path of the block mapping holding the key
     * @param key the key, which must exist
     * @param content the new block entries (not empty)
     * @return the edited text
     */
    public SourceText replaceWithBlock(List<String> parentPath, String key, Lines content) {
        MappingNode parent = blockMapping(parentPath);
        NodeTuple t = tuple(parent, key);
        if (t == null) {
            throw new IllegalStateException("no key " + key + " under " + parentPath);
        }
        requireKeyFirstOnLine(t, parentPath, key);
        requireNotAlias(t, parentPath, key);
        int keyLine = t.getKeyNode().getStartMark().getLine();
        int indent = column(t.getKeyNode().getStartMark());
        int from = source.lineStart(keyLine);
        int to = source.nextLineStart(lastLine(t.getValueNode(), keyLine));
        String nl = source.lineSeparator();
        String text = " ".repeat(indent) + key + ":" + nl + content.render(indent + step(), step(), nl);
        return replace(from, to, endsWithBreak(to) ? text : stripFinalBreak(text));
    }

    /**
     * Tells whether the node at {@code path} is a flow-style ({@code {...}}) mapping.
     *
     * @param path the key path
     * @return true for a flow mapping
     */
    public boolean isFlowMapping(List<String> path) {
        return find(path).filter(n -> n instanceof MappingNode m
                && m.getFlowStyle() == DumperOptions.FlowStyle.FLOW).isPresent();
    }

    /**
     * Removes a key (every copy of it, when it is duplicated) and its value lines from the block mapping at
     * {@code parentPath}; no-op when absent.
     *
     * @param parentPath path of the mapping
     * @param key the key
     * @return the edited text
     */
    public SourceText remove(List<String> parentPath, String key) {
        NodeTuple t = requireTuple(parentPath, key);
        if (t == null) {
            return source;
        }
        blockMapping(parentPath);
        requireKeyFirstOnLine(t, parentPath, key);
        requireNotAlias(t, parentPath, key);
        int keyLine = t.getKeyNode().getStartMark().getLine();
        int from = source.lineStart(keyLine);
        int to = source.nextLineStart(lastLine(t.getValueNode(), keyLine));
        // a duplicate key would take over once the last one is gone (yaml.v2: last wins), so remove every copy
        return YamlText.of(replace(from, to, "")).remove(parentPath, key);
    }

    /**
     * Makes sure a block mapping exists at {@code path}: missing keys are inserted as nested entries with
     * {@code firstContent} inside the deepest one, and an empty value ({@code key:}) is replaced.
     *
     * @param path the mapping path to create
     * @param firstContent entry lines for the innermost mapping, rendered relative to indent 0 by the caller via
     *        {@link Lines}; must be non-empty because YAML has no empty block mapping
     * @return the edited text (unchanged when the mapping exists)
     */
    public SourceText ensureMapping(List<String> path, Lines firstContent) {
        if (root == null || SafeYaml.isNull(root)) {
            throw new InvalidInputException(source.name() + ": the document is empty; nothing to edit.");
        }
        int found = 0;
        Node cur = root;
        NodeTuple last = null;
        while (found < path.size() && cur instanceof MappingNode m) {
            NodeTuple t = tuple(m, path.get(found));
            if (t == null) {
                break;
            }
            blockMapping(path.subList(0, found));
            last = t;
            cur = t.getValueNode();
            found++;
        }
        boolean empty = SafeYaml.isNull(cur) || cur instanceof MappingNode em && em.getValue().isEmpty()
                && em.getFlowStyle() == DumperOptions.FlowStyle.FLOW;
        if (found == path.size() && cur instanceof MappingNode && !empty) {
            blockMapping(path);
            return source;
        }
        if (last != null && empty) {
            // `key:`, `key: ~` or `key: {}`: drop the empty value text, add the children below the key line
            requireKeyFirstOnLine(last, path.subList(0, found - 1), path.get(found - 1));
            int keyLine = last.getKeyNode().getStartMark().getLine();
            int indent = column(last.getKeyNode().getStartMark()) + step();
            String text = nested(path.subList(found, path.size()), firstContent, indent);
            int at = source.nextLineStart(keyLine);
            SourceText inserted = endsWithBreak(at) ? replace(at, at, text)
                    : replace(at, at, source.lineSeparator() + stripFinalBreak(text));
            int start = offset(cur.getStartMark());
            int end = offset(cur.getEndMark());
            if (end > start) {
                String t = inserted.text();
                return SourceText.of((inserted.hasBom() ? "\uFEFF" : "") + t.substring(0, start).stripTrailing()
                        + t.substring(end), source.name());
            }
            return inserted;
        }
        if (!(cur instanceof MappingNode)) {
            throw notMapping(path.subList(0, found), cur);
        }
        List<String> parentPath = path.subList(0, found);
        MappingNode parent = blockMapping(parentPath);
        int indent = childIndent(parent, parentPath);
        return insertAfter(parent, nested(path.subList(found, path.size()), firstContent, indent));
    }

    private InvalidInputException notMapping(List<String> path, Node n) {
        return new InvalidInputException(source.name() + ": line " + (n.getStartMark().getLine() + 1) + ": `"
                + String.join(".", path) + "` must be a mapping to be edited. Fix it by hand first.");
    }

    private String nested(List<String> keys, Lines content, int indent) {
        StringBuilder sb = new StringBuilder();
        String nl = source.lineSeparator();
        int step = step();
        for (int i = 0; i < keys.size(); i++) {
            sb.append(" ".repeat(indent + i * step)).append(keys.get(i)).append(':').append(nl);
        }
        sb.append(content.render(indent + keys.size() * step, step, nl));
        return sb.toString();
    }

    private MappingNode blockMapping(List<String> path) {
        Node cur = root;
        for (int i = 0; i <= path.size(); i++) {
            if (!(cur instanceof MappingNode m)) {
                if (cur == null) {
                    throw new InvalidInputException(source.name() + ": `" + String.join(".", path)
                            + "` is missing; nothing to edit.");
                }
                throw notMapping(path.subList(0, i), cur);
            }
            if (m.getFlowStyle() == DumperOptions.FlowStyle.FLOW) {
                throw new InvalidInputException(source.name() + ": line " + (m.getStartMark().getLine() + 1) + ": `"
                        + (i == 0 ? "(top level)" : String.join(".", path.subList(0, i)))
                        + "` is written in flow style ({...}); safe line edits need block style. Rewrite it as "
                        + "indented `key: value` lines and retry.");
            }
            if (i == path.size()) {
                return m;
            }
            NodeTuple t = tuple(m, path.get(i));
            if (t == null) {
                throw new InvalidInputException(source.name() + ": `" + String.join(".", path.subList(0, i + 1))
                        + "` is missing; nothing to edit.");
            }
            if (isAlias(t)) {
                throw new InvalidInputException(source.name() + ": line " + (t.getKeyNode().getStartMark().getLine()
                        + 1) + ": `" + String.join(".", path.subList(0, i + 1)) + "` comes from a YAML alias (*name);"
                        + " edit the anchored original by hand instead.");
            }
            cur = t.getValueNode();
        }
        throw new IllegalStateException("unreachable");
    }

    private void requireNotAlias(NodeTuple t, List<String> parentPath, String key) {
        if (isAlias(t)) {
            throw new InvalidInputException(source.name() + ": line " + (t.getKeyNode().getStartMark().getLine() + 1)
                    + ": `" + String.join(".", parentPath) + "." + key + "` is a YAML alias (*name); edit the "
                    + "anchored original by hand instead.");
        }
    }

    private static boolean isAlias(NodeTuple t) {
        return YamlNodes.isAlias(t);
    }

    private void requireKeyFirstOnLine(NodeTuple t, List<String> parentPath, String key) {
        Mark km = t.getKeyNode().getStartMark();
        String before = source.text().substring(source.lineStart(km.getLine()), offset(km));
        if (!before.isBlank()) {
            throw new InvalidInputException(source.name() + ": line " + (km.getLine() + 1) + ": `"
                    + String.join(".", parentPath) + "." + key + "` does not start its own line; safe line edits "
                    + "need block style. Put it on its own line and retry.");
        }
    }

    /** Indentation of the mapping's entries; for an empty-line mapping the parent's indent plus one step. */
    private int childIndent(MappingNode m, List<String> path) {
        if (!m.getValue().isEmpty()) {
            return column(m.getValue().get(0).getKeyNode().getStartMark());
        }
        return path.size() * step();
    }

    /** The file's indentation step: the smallest positive difference between a mapping key and its children. */
    public int step() {
        int best = Integer.MAX_VALUE;
        if (root instanceof MappingNode m) {
            best = stepOf(m, 0, best, 0);
        }
        return best == Integer.MAX_VALUE || best <= 0 || best > 8 ? 2 : best;
    }

    private int stepOf(MappingNode m, int indent, int best, int depth) {
        if (depth > 8) {
            return best;
        }
        for (NodeTuple t : m.getValue()) {
            if (t.getValueNode() instanceof MappingNode child && child.getFlowStyle() != DumperOptions.FlowStyle.FLOW
                    && !child.getValue().isEmpty()) {
                int keyCol = column(t.getKeyNode().getStartMark());
                int childCol = column(child.getValue().get(0).getKeyNode().getStartMark());
                if (childCol > keyCol && child.getStartMark().getLine() > t.getKeyNode().getStartMark().getLine()) {
                    best = Math.min(best, childCol - keyCol);
                }
                best = stepOf(child, childCol, best, depth + 1);
            }
        }
        return best;
    }

    private SourceText insertAfter(MappingNode m, String text) {
        List<NodeTuple> entries = m.getValue();
        int last = entries.isEmpty() ? m.getStartMark().getLine()
                : lastLine(entries.get(entries.size() - 1).getValueNode(),
                entries.get(entries.size() - 1).getKeyNode().getStartMark().getLine());
        int at = source.nextLineStart(last);
        if (!endsWithBreak(at)) {
            return replace(at, at, source.lineSeparator() + stripFinalBreak(text));
        }
        return replace(at, at, text);
    }

    /** True when the text just before {@code offset} is a line break (or offset is not the end of the text). */
    private boolean endsWithBreak(int offset) {
        if (offset < source.text().length()) {
            return true;
        }
        String t = source.text();
        return t.isEmpty() || t.endsWith("\n") || t.endsWith("\r");
    }

    private String stripFinalBreak(String s) {
        String nl = source.lineSeparator();
        return s.endsWith(nl) ? s.substring(0, s.length() - nl.length()) : s;
    }

    private int lastLine(Node v, int keyLine) {
        return YamlNodes.lastLine(source, v, keyLine);
    }

    private int offset(Mark m) {
        return source.offset(m.getLine(), m.getColumn());
    }

    private static int column(Mark m) {
        return m.getColumn();
    }

    private SourceText replace(int from, int to, String text) {
        String t = source.text();
        String edited = t.substring(0, from) + text + t.substring(to);
        String withBom = (source.hasBom() ? "\uFEFF" : "") + edited;
        return SourceText.of(withBom, source.name());
    }
}
