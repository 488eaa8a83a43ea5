package dev.rkebackup.rke.config.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * A minimal unified diff of two texts, line by line, with three lines of context. The common head and tail are
 * trimmed before a longest-common-subsequence pass on the rest, so local edits of big files stay cheap.
 * Stateless; not a published API.
 */
public final class UnifiedDiff {
    private static final int CONTEXT = 3;
    private static final int MAX_CELLS = 25_000_000;

    private UnifiedDiff() {
    }

    /**
     * Diffs two texts.
     *
     * @param oldName label of the original ({@code --- a/...})
     * @param newName label of the edited text
     * @param before original text
     * @param after edited text
     * @return the unified diff; empty when the texts are equal
     */
    public static String diff(String oldName, String newName, String before, String after) {
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
        List<String> am = a.subList(head, a.size() - tail);
        List<String> bm = b.subList(head, b.size() - tail);
        List<char[]> ops = new ArrayList<>(); // {op} with op = ' ', '-', '+'; parallel list of lines
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < head; i++) {
            ops.add(new char[] {' '});
            lines.add(a.get(i));
        }
        middle(am, bm, ops, lines);
        for (int i = a.size() - tail; i < a.size(); i++) {
            ops.add(new char[] {' '});
            lines.add(a.get(i));
        }
        return render(oldName, newName, ops, lines);
    }

    private static void middle(List<String> a, List<String> b, List<char[]> ops, List<String> lines) {
        int n = a.size();
        int m = b.size();
        if ((long) n * m > MAX_CELLS) {
            a.forEach(l -> { ops.add(new char[] {'-'}); lines.add(l); });
            b.forEach(l -> { ops.add(new char[] {'+'}); lines.add(l); });
            return;
        }
        int[][] lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        int i = 0;
        int j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && a.get(i).equals(b.get(j))) {
                ops.add(new char[] {' '});
                lines.add(a.get(i));
                i++;
                j++;
            } else if (j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j])) {
                ops.add(new char[] {'+'});
                lines.add(b.get(j++));
            } else {
                ops.add(new char[] {'-'});
                lines.add(a.get(i++));
            }
        }
    }

    private static String render(String oldName, String newName, List<char[]> ops, List<String> lines) {
        StringBuilder out = new StringBuilder();
        out.append("--- ").append(oldName).append('\n').append("+++ ").append(newName).append('\n');
        int k = 0;
        int size = ops.size();
        while (k < size) {
            if (ops.get(k)[0] == ' ') {
                k++;
                continue;
            }
            int start = Math.max(0, k - CONTEXT);
            int end = k;
            // extend the hunk while changes are within 2*CONTEXT lines of each other
            int lastChange = k;
            while (end < size) {
                if (ops.get(end)[0] != ' ') {
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
                char op = ops.get(x)[0];
                if (op != '+') {
                    oldStart++;
                }
                if (op != '-') {
                    newStart++;
                }
            }
            int oldLen = 0;
            int newLen = 0;
            StringBuilder body = new StringBuilder();
            for (int x = start; x < end; x++) {
                char op = ops.get(x)[0];
                if (op != '+') {
                    oldLen++;
                }
                if (op != '-') {
                    newLen++;
                }
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
            if (text.charAt(i) == '\n') {
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
