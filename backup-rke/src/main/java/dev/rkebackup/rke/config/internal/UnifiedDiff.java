package dev.rkebackup.rke.config.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A minimal unified diff of two texts, line by line, with three lines of context. The common head and tail are
 * trimmed before a longest-common-subsequence pass on the rest, so local edits of big files stay cheap. Lines can be
 * masked (secret values) after they are compared, so a changed secret still shows as changed, but never in clear.
 * Stateless; not a published API.
 */
public final class UnifiedDiff {
    /** What masked parts of lines are replaced with. */
    public static final String MASK = "********";
    private static final int CONTEXT = 3;
    private static final int MAX_CELLS = 25_000_000;

    private UnifiedDiff() {
    }

    /** One output line: op is ' ', '-' or '+'; index into the old (for ' ' and '-') or new ('+') lines. */
    private record Op(char op, int index) {
    }

    /**
     * Diffs two texts without masking.
     *
     * @param oldName label of the original ({@code --- a/...})
     * @param newName label of the edited text
     * @param before original text
     * @param after edited text
     * @return the unified diff; empty when the texts are equal
     */
    public static String diff(String oldName, String newName, String before, String after) {
        return diff(oldName, newName, before, after, Map.of(), Map.of());
    }

    /**
     * Diffs two texts, masking parts of lines.
     *
     * @param oldName label of the original
     * @param newName label of the edited text
     * @param before original text
     * @param after edited text
     * @param maskBefore zero-based line of {@code before} to the offset within that line from which to mask
     * @param maskAfter the same for {@code after}
     * @return the unified diff; empty when the texts are equal
     */
    public static String diff(String oldName, String newName, String before, String after,
            Map<Integer, Integer> maskBefore, Map<Integer, Integer> maskAfter) {
        if (before.equals(after)) {
            return "";
        }
        List<String> a = split(before);
        List<String> b = split(after);
        int head = 0;
        while (head < a.size() && head < b.size() && a.get(head).equals(b.get(head))) {
            head++;
        }
        int tail = 0;
        while (tail < a.size() - head && tail < b.size() - head
                && a.get(a.size() - 1 - tail).equals(b.get(b.size() - 1 - tail))) {
            tail++;
        }
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < head; i++) {
            ops.add(new Op(' ', i));
        }
        middle(a, b, head, a.size() - tail, head, b.size() - tail, ops);
        for (int i = a.size() - tail; i < a.size(); i++) {
            ops.add(new Op(' ', i));
        }
        List<String> shown = new ArrayList<>(ops.size());
        for (Op op : ops) {
            boolean fromNew = op.op() == '+';
            String line = (fromNew ? b : a).get(op.index());
            Integer from = (fromNew ? maskAfter : maskBefore).get(op.index());
            shown.add(from == null ? line : line.substring(0, Math.min(from, line.length())) + MASK);
        }
        return render(oldName, newName, ops, shown);
    }

    private static void middle(List<String> a, List<String> b, int a0, int a1, int b0, int b1, List<Op> ops) {
        int n = a1 - a0;
        int m = b1 - b0;
        if ((long) n * m > MAX_CELLS) {
            for (int i = a0; i < a1; i++) {
                ops.add(new Op('-', i));
            }
            for (int j = b0; j < b1; j++) {
                ops.add(new Op('+', j));
            }
            return;
        }
        int[][] lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                lcs[i][j] = a.get(a0 + i).equals(b.get(b0 + j)) ? lcs[i + 1][j + 1] + 1
                        : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        int i = 0;
        int j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && a.get(a0 + i).equals(b.get(b0 + j))) {
                ops.add(new Op(' ', a0 + i));
                i++;
                j++;
            } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
                ops.add(new Op('-', a0 + i)); // deletions first, as GNU diff prints them
                i++;
            } else {
                ops.add(new Op('+', b0 + j));
                j++;
            }
        }
    }

    private static String render(String oldName, String newName, List<Op> ops, List<String> lines) {
        StringBuilder out = new StringBuilder();
        out.append("--- ").append(oldName).append('\n').append("+++ ").append(newName).append('\n');
        int k = 0;
        int size = ops.size();
        while (k < size) {
            if (ops.get(k).op() == ' ') {
                k++;
                continue;
            }
            int start = Math.max(0, k - CONTEXT);
            int lastChange = k;
            int end = k;
            // extend the hunk while changes are within 2*CONTEXT lines of each other
            while (end < size) {
                if (ops.get(end).op() != ' ') {
                    lastChange = end;
                } else if (end - lastChange > 2 * CONTEXT) {
                    break;
                }
                end++;
            }
            end = Math.min(size, lastChange + CONTEXT + 1);
            int oldStart = 1;
            int newStart = 1;
            for (int x = 0; x < start; x++) {
                char op = ops.get(x).op();
                oldStart += op != '+' ? 1 : 0;
                newStart += op != '-' ? 1 : 0;
            }
            int oldLen = 0;
            int newLen = 0;
            StringBuilder body = new StringBuilder();
            for (int x = start; x < end; x++) {
                char op = ops.get(x).op();
                oldLen += op != '+' ? 1 : 0;
                newLen += op != '-' ? 1 : 0;
                body.append(op).append(lines.get(x)).append('\n');
            }
            out.append("@@ -").append(range(oldStart, oldLen)).append(" +").append(range(newStart, newLen))
                    .append(" @@\n").append(body);
            k = end;
        }
        return out.toString();
    }

    private static String range(int start, int len) {
        if (len == 0) {
            return (start - 1) + ",0";
        }
        return len == 1 ? String.valueOf(start) : start + "," + len;
    }

    private static List<String> split(String text) {
        List<String> result = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n')) {
                result.add(stripCr(text.substring(from, i)));
                from = i + 1;
            }
        }
        if (from < text.length()) {
            result.add(stripCr(text.substring(from)));
        }
        return result;
    }

    private static String stripCr(String s) {
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }
}
