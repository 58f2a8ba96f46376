package org.cytolabel.cli.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A Markdown pipe table whose columns are padded so it also reads well in a terminal. */
final class MarkdownTable {
    private final List<String> header;
    private final boolean[] rightAligned;
    private final List<List<String>> rows = new ArrayList<>();

    /** Columns whose name starts with '>' are right-aligned (numbers); the '>' is dropped. */
    MarkdownTable(String... columns) {
        header = Arrays.stream(columns).map(c -> c.startsWith(">") ? c.substring(1) : c).toList();
        rightAligned = new boolean[columns.length];
        for (int i = 0; i < columns.length; i++) {
            rightAligned[i] = columns[i].startsWith(">");
        }
    }

    MarkdownTable row(Object... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException(cells.length + " cells for " + header.size() + " columns");
        }
        rows.add(Arrays.stream(cells).map(String::valueOf).toList());
        return this;
    }

    String render() {
        int[] width = new int[header.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = Math.max(3, header.get(i).length());
            for (List<String> r : rows) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        }
        StringBuilder s = new StringBuilder();
        line(s, header, width);
        s.append('|');
        for (int i = 0; i < width.length; i++) {
            s.append(' ').append("-".repeat(width[i] - (rightAligned[i] ? 1 : 0))).append(rightAligned[i] ? ":" : "")
                    .append(" |");
        }
        s.append('\n');
        for (List<String> r : rows) {
            line(s, r, width);
        }
        return s.toString();
    }

    private void line(StringBuilder s, List<String> cells, int[] width) {
        s.append('|');
        for (int i = 0; i < width.length; i++) {
            String c = cells.get(i);
            String pad = " ".repeat(width[i] - c.length());
            s.append(' ').append(rightAligned[i] ? pad + c : c + pad).append(" |");
        }
        s.append('\n');
    }
}
