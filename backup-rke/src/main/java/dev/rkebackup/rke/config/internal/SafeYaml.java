package dev.rkebackup.rke.config.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rkebackup.core.InvalidInputException;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.ReaderException;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Composes YAML into a node graph with bounded memory and converts nodes to Jackson trees. Not a published API.
 *
 * <p>Bounds: {@link SourceText#MAX_BYTES}, at most {@value #MAX_ALIASES} aliases to collections, nesting depth
 * {@value #MAX_DEPTH}, and at most {@value #MAX_EXPANDED_NODES} nodes after alias expansion (stops "billion laughs"
 * documents that stay under the alias limit). Thread-safe (stateless).
 */
public final class SafeYaml {
    /** Aliases to collections allowed in one document (SnakeYAML default 50; cluster.yml files use a handful). */
    public static final int MAX_ALIASES = 50;
    /** Deepest nesting of collections accepted. */
    public static final int MAX_DEPTH = 64;
    /** Most nodes one document may expand to through aliases. */
    public static final int MAX_EXPANDED_NODES = 100_000;

    private SafeYaml() {
    }

    /**
     * Composes the single YAML document of {@code source}.
     *
     * @param source the text
     * @return the root node; empty when the document is empty (only comments or whitespace)
     * @throws InvalidInputException if the text is not YAML, has several documents, or exceeds a bound
     */
    public static Optional<Node> compose(SourceText source) {
        LoaderOptions options = loaderOptions();
        try {
            StreamReader reader = new StreamReader(source.text());
            Composer composer = new Composer(new ParserImpl(reader, options), new Resolver(), options);
            return Optional.ofNullable(composer.getSingleNode());
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String where = mark == null ? "" : " line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1)
                    + ":";
            String problem = e.getProblem() == null ? "invalid YAML" : e.getProblem();
            String context = e.getContext() == null ? "" : " (" + e.getContext() + ")";
            throw new InvalidInputException(source.name() + ":" + where + " not valid YAML: " + problem + context
                    + ". Fix the YAML syntax (indentation, quotes, colons) at that line; `rke` cannot read it either.");
        } catch (ReaderException e) {
            int at = Math.min(Math.max(0, e.getPosition()), source.text().length());
            throw new InvalidInputException(source.name() + ": line " + (source.lineOf(at) + 1) + ": character "
                    + String.format("U+%04X", e.getCodePoint()) + " is not allowed in YAML. Remove it (control "
                    + "characters usually come from a copy and paste).", e);
        } catch (YAMLException e) {
            throw new InvalidInputException(source.name() + ": YAML refused: " + e.getMessage()
                    + ". A cluster config never needs this many anchors/aliases or this deep nesting; simplify the "
                    + "file.", e);
        } catch (StackOverflowError e) {
            throw new InvalidInputException(source.name() + ": YAML nesting is too deep. Check the file.");
        }
    }

    private static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setAllowRecursiveKeys(false);
        options.setNestingDepthLimit(MAX_DEPTH);
        options.setCodePointLimit(SourceText.MAX_BYTES);
        // yaml.v2 (what rke uses) lets the last duplicate win; the model reports duplicates as warnings instead
        options.setAllowDuplicateKeys(true);
        options.setProcessComments(false);
        return options;
    }

    /**
     * Converts a node to a Jackson tree, resolving merge keys ({@code <<}) like yaml.v2 and expanding aliases within
     * {@link #MAX_EXPANDED_NODES}.
     *
     * @param source the text, for messages
     * @param node the node
     * @return an independent Jackson tree
     * @throws InvalidInputException if the expansion exceeds the node budget
     */
    public static JsonNode toJson(SourceText source, Node node) {
        return new Converter(source).convert(node, 0);
    }

    /**
     * Tells whether a scalar is a YAML null ({@code ~}, {@code null}, empty).
     *
     * @param node the node
     * @return true for a plain null scalar
     */
    public static boolean isNull(Node node) {
        return node instanceof ScalarNode s && Tag.NULL.equals(s.getTag());
    }

    private static final class Converter {
        private final SourceText source;
        private int budget = MAX_EXPANDED_NODES;

        Converter(SourceText source) {
            this.source = source;
        }

        JsonNode convert(Node node, int depth) {
            if (--budget < 0 || depth > MAX_DEPTH) {
                throw new InvalidInputException(source.name() + ": the YAML expands to more than "
                        + MAX_EXPANDED_NODES + " values through anchors and aliases (an \"alias bomb\"?). "
                        + "Refused; a cluster config never needs that.");
            }
            JsonNodeFactory f = JsonNodeFactory.instance;
            if (node instanceof ScalarNode s) {
                return scalar(s);
            }
            if (node instanceof SequenceNode seq) {
                ArrayNode array = f.arrayNode();
                for (Node item : seq.getValue()) {
                    array.add(convert(item, depth + 1));
                }
                return array;
            }
            MappingNode map = (MappingNode) node;
            ObjectNode object = f.objectNode();
            merge(object, map, depth);
            return object;
        }

        private void merge(ObjectNode object, MappingNode map, int depth) {
            ObjectNode merged = JsonNodeFactory.instance.objectNode();
            for (NodeTuple t : map.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k && Tag.MERGE.equals(k.getTag())) {
                    List<Node> sources = t.getValueNode() instanceof SequenceNode seq ? seq.getValue()
                            : List.of(t.getValueNode());
                    for (Node src : sources) {
                        JsonNode converted = convert(src, depth + 1);
                        if (converted instanceof ObjectNode o) {
                            o.properties().forEach(e -> {
                                if (!merged.has(e.getKey())) {
                                    merged.set(e.getKey(), e.getValue());
                                }
                            });
                        }
                    }
                }
            }
            for (NodeTuple t : map.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k && Tag.MERGE.equals(k.getTag())) {
                    continue;
                }
                String key = t.getKeyNode() instanceof ScalarNode k ? k.getValue()
                        : convert(t.getKeyNode(), depth + 1).toString();
                object.set(key, convert(t.getValueNode(), depth + 1));
            }
            merged.properties().forEach(e -> {
                if (!object.has(e.getKey())) {
                    object.set(e.getKey(), e.getValue());
                }
            });
        }

        private static JsonNode scalar(ScalarNode s) {
            JsonNodeFactory f = JsonNodeFactory.instance;
            String v = s.getValue();
            Tag tag = s.getTag();
            try {
                if (Tag.NULL.equals(tag)) {
                    return f.nullNode();
                }
                if (Tag.BOOL.equals(tag)) {
                    return f.booleanNode(parseBool(v));
                }
                if (Tag.INT.equals(tag)) {
                    return f.numberNode(parseInt(v));
                }
                if (Tag.FLOAT.equals(tag)) {
                    return f.numberNode(Double.parseDouble(v.replace("_", "")));
                }
            } catch (NumberFormatException e) {
                return f.textNode(v);
            }
            return f.textNode(v);
        }
    }

    /**
     * Reads a YAML 1.1 boolean as the resolver tagged it ({@code true/yes/on/y} and their negatives).
     *
     * @param v scalar text
     * @return the value
     */
    public static boolean parseBool(String v) {
        String l = v.toLowerCase(java.util.Locale.ROOT);
        return l.equals("true") || l.equals("yes") || l.equals("on") || l.equals("y");
    }

    /**
     * Reads a YAML 1.1 integer ({@code 12}, {@code 0x1f}, {@code 0o17}, {@code 1_000}).
     *
     * @param v scalar text tagged int
     * @return the value
     * @throws NumberFormatException if it does not fit
     */
    public static BigInteger parseInt(String v) {
        String t = v.replace("_", "");
        int sign = 1;
        if (t.startsWith("-")) {
            sign = -1;
            t = t.substring(1);
        } else if (t.startsWith("+")) {
            t = t.substring(1);
        }
        BigInteger r;
        if (t.startsWith("0x")) {
            r = new BigInteger(t.substring(2), 16);
        } else if (t.startsWith("0o")) {
            r = new BigInteger(t.substring(2), 8);
        } else if (t.startsWith("0b")) {
            r = new BigInteger(t.substring(2), 2);
        } else if (t.length() > 1 && t.startsWith("0") && t.chars().allMatch(Character::isDigit)) {
            r = new BigInteger(t.substring(1), 8);
        } else if (t.contains(":")) {
            r = BigInteger.ZERO;
            for (String part : t.split(":")) {
                r = r.multiply(BigInteger.valueOf(60)).add(new BigInteger(part));
            }
        } else {
            r = new BigInteger(t);
        }
        return sign < 0 ? r.negate() : r;
    }
}
