package org.cytolabel.core.data;

import java.util.List;
import java.util.Map;
import org.cytolabel.core.error.CytoLabelException;

/**
 * Cells x genes counts with per-cell ids and annotations (obs columns as strings; categoricals
 * decoded to their category names).
 */
public record CellDataset(String name, CsrMatrix counts, List<String> cellIds, GeneList genes,
        Map<String, List<String>> obs) {

    public CellDataset {
        cellIds = List.copyOf(cellIds);
        obs = Map.copyOf(obs);
        if (cellIds.size() != counts.rows()) {
            throw CytoLabelException.invalid(name + ": " + cellIds.size() + " cell ids for "
                    + counts.rows() + " rows");
        }
        if (genes.size() != counts.cols()) {
            throw CytoLabelException.invalid(name + ": " + genes.size() + " genes for "
                    + counts.cols() + " columns");
        }
        for (var e : obs.entrySet()) {
            if (e.getValue().size() != counts.rows()) {
                throw CytoLabelException.invalid(name + ": obs column '" + e.getKey() + "' has "
                        + e.getValue().size() + " values for " + counts.rows() + " cells");
            }
        }
    }

    public int cells() {
        return counts.rows();
    }

    /** The named obs column; a clear error naming the columns there are when it is missing. */
    public List<String> obsColumn(String column) {
        List<String> values = obs.get(column);
        if (values == null) {
            throw CytoLabelException.invalid(name + " has no obs column '" + column
                    + "'; it has " + obs.keySet().stream().sorted().toList());
        }
        return values;
    }

    /** The given cells, in the given order, with their obs values. */
    public CellDataset selectCells(int[] rows) {
        var ids = new java.util.ArrayList<String>(rows.length);
        for (int r : rows) {
            ids.add(cellIds.get(r));
        }
        var sub = new java.util.LinkedHashMap<String, List<String>>();
        for (var e : obs.entrySet()) {
            var col = new java.util.ArrayList<String>(rows.length);
            for (int r : rows) {
                col.add(e.getValue().get(r));
            }
            sub.put(e.getKey(), col);
        }
        return new CellDataset(name, counts.selectRows(rows), ids, genes, sub);
    }
}
