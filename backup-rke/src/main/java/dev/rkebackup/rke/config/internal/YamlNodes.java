package dev.rkebackup.rke.config.internal;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** Questions about composed YAML nodes and where they sit in the text. Stateless; not a published API. */
final class YamlNodes {
    private YamlNodes() {
    }

    /** The last tuple with this key (yaml.v2: the last duplicate wins); null when absent. */
    static NodeTuple tuple(MappingNode m, String key) {
        NodeTuple found = null;
        for (NodeTuple t : m.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                found = t;
            }
        }
        return found;
    }

    /** An alias value is the anchored node itself, whose marks lie before the key that references it. */
    static boolean isAlias(NodeTuple t) {
        Mark key = t.getKeyNode().getStartMark();
        Mark value = t.getValueNode().getStartMark();
        return value.getLine() < key.getLine()
                || value.getLine() == key.getLine() && value.getColumn() < key.getColumn();
    }

    /** Zero-based last line holding content of a value node whose key is on {@code keyLine}. */
    static int lastLine(SourceText source, Node v, int keyLine) {
        if (v instanceof MappingNode m && m.getFlowStyle() != DumperOptions.FlowStyle.FLOW
                && !m.getValue().isEmpty()) {
            NodeTuple lt = m.getValue().get(m.getValue().size() - 1);
            return Math.max(keyLine, lastLine(source, lt.getValueNode(), lt.getKeyNode().getStartMark().getLine()));
        }
        if (v instanceof SequenceNode s && s.getFlowStyle() != DumperOptions.FlowStyle.FLOW
                && !s.getValue().isEmpty()) {
            Node item = s.getValue().get(s.getValue().size() - 1);
            return Math.max(keyLine, lastLine(source, item, item.getStartMark().getLine()));
        }
        Mark end = v.getEndMark();
        int last = end.getLine();
        if (end.getColumn() == 0 && last > v.getStartMark().getLine()) {
            last--;
        }
        int line = last;
        while (line > keyLine && source.line(line).isBlank()) {
            line--;
        }
        if (v instanceof ScalarNode s && s.getScalarStyle() == DumperOptions.ScalarStyle.LITERAL) {
            // a literal block has exactly one source line per value line, after its header line
            String value = s.getValue();
            int lines = value.isEmpty() ? 0 : value.split("\n", -1).length - (value.endsWith("\n") ? 1 : 0);
            return Math.max(keyLine, Math.min(last, v.getStartMark().getLine() + lines));
        }
        if (v instanceof ScalarNode s && s.getScalarStyle() == DumperOptions.ScalarStyle.FOLDED) {
            // with "keep" chomping (|+) trailing empty lines are part of the value
            int breaks = 0;
            for (int i = s.getValue().length() - 1; i >= 0 && s.getValue().charAt(i) == '\n'; i--) {
                breaks++;
            }
            line = Math.min(last, line + Math.max(0, breaks - 1));
        }
        return Math.max(line, keyLine);
    }

    /** Character offset of a mark in the text. */
    static int offset(SourceText source, Mark m) {
        return source.offset(m.getLine(), m.getColumn());
    }
}
