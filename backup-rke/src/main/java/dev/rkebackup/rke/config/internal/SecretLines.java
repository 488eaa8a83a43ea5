package dev.rkebackup.rke.config.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** Finds the lines that hold secret values, so displays (diffs) can mask them. Stateless; not a published API. */
public final class SecretLines {
    private SecretLines() {
    }

    /**
     * Where secret values are in the text, for masking them in displays: for every mapping entry whose key is in
     * {@code secretKeys} (at any depth), each line holding part of its value, mapped to the character offset within
     * that line from which to mask.
     *
     * @param source the text
     * @param secretKeys keys whose values are secret, e.g. {@code secret_key}, {@code ssh_key}
     * @return zero-based line number to mask-from offset (within the line)
     */
    public static Map<Integer, Integer> find(SourceText source, Set<String> secretKeys) {
        Map<Integer, Integer> result = new HashMap<>();
        SafeYaml.compose(source).ifPresent(root -> collect(source, root, secretKeys, result, 0));
        return result;
    }

    private static void collect(SourceText source, Node node, Set<String> keys, Map<Integer, Integer> out,
            int depth) {
        if (depth > SafeYaml.MAX_DEPTH) {
            return;
        }
        if (node instanceof SequenceNode seq) {
            seq.getValue().forEach(n -> collect(source, n, keys, out, depth + 1));
            return;
        }
        if (!(node instanceof MappingNode m)) {
            return;
        }
        for (NodeTuple t : m.getValue()) {
            Node v = t.getValueNode();
            if (t.getKeyNode() instanceof ScalarNode k && keys.contains(k.getValue()) && !YamlNodes.isAlias(t)) {
                int first = v.getStartMark().getLine();
                int last = YamlNodes.lastLine(source, v, t.getKeyNode().getStartMark().getLine());
                for (int line = first; line <= last; line++) {
                    int from = line == first ? YamlNodes.offset(source, v.getStartMark()) - source.lineStart(line)
                            : indentOf(source.line(line));
                    out.merge(line, from, Math::min);
                }
            } else if (!YamlNodes.isAlias(t)) {
                collect(source, v, keys, out, depth + 1);
            }
        }
    }

    private static int indentOf(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        return i;
    }
}
