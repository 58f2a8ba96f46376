package org.cytolabel.trainer.pipeline;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.cytolabel.core.data.CellDataset;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.data.GeneList;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.panel.GeneAligner;
import org.cytolabel.core.panel.GeneAlignment;
import org.cytolabel.core.panel.GenePanel;
import org.cytolabel.proto.model.v1.DatasetFingerprint;
import org.cytolabel.trainer.dataset.DatasetStore;
import org.cytolabel.trainer.dataset.StoredDataset;

/**
 * Turns the datasets a plan names into one labeled matrix over one gene panel: the first
 * dataset's genes (restricted to those every panel-intersect dataset also has), other training
 * datasets aligned onto it, unlabeled and excluded cells dropped.
 */
final class DataPreparation {
    private DataPreparation() {
    }

    static PreparedData prepare(TrainingPlan plan, DatasetStore store) {
        List<StoredDataset> stored = plan.datasetIds().stream().map(store::get).toList();
        CellDataset first = store.load(stored.get(0).id());
        GenePanel panel = panel(first.genes(), plan.panelIntersectDatasetIds(), store);

        List<CsrMatrix> parts = new ArrayList<>();
        List<String> labelsRaw = new ArrayList<>();
        List<String> groups = new ArrayList<>();
        List<DatasetFingerprint> sources = new ArrayList<>();
        Set<String> exclude = new HashSet<>(plan.excludeLabels());
        for (StoredDataset sd : stored) {
            CellDataset d = store.load(sd.id());
            List<String> labels = d.obsColumn(plan.labelColumn());
            List<String> split = plan.splitColumn().isEmpty() ? null : d.obsColumn(plan.splitColumn());
            GeneAlignment a = GeneAligner.align(panel, d.genes().identifiers(), 0.5);
            List<Integer> keep = new ArrayList<>();
            for (int i = 0; i < d.cells(); i++) {
                String l = labels.get(i);
                if (!l.isBlank() && !exclude.contains(l)) {
                    keep.add(i);
                }
            }
            int[] rows = keep.stream().mapToInt(Integer::intValue).toArray();
            parts.add(a.toModelOrder(d.counts().selectRows(rows)));
            for (int r : rows) {
                labelsRaw.add(labels.get(r));
                groups.add(split == null ? "" : sd.name() + ":" + split.get(r));
            }
            sources.add(DatasetFingerprint.newBuilder().setName(sd.name()).setSha256(sd.sha256())
                    .setCells(sd.cells()).setGenes(sd.genes()).build());
        }
        if (labelsRaw.isEmpty()) {
            throw CytoLabelException.invalid("no labeled cells left in column '" + plan.labelColumn()
                    + "' after dropping empty and excluded labels");
        }
        List<String> classNames = List.copyOf(new TreeSet<>(labelsRaw));
        if (classNames.size() < 2) {
            throw CytoLabelException.invalid("column '" + plan.labelColumn() + "' has only " + classNames
                    + "; a classifier needs at least two cell types");
        }
        int[] y = labelsRaw.stream().mapToInt(classNames::indexOf).toArray();
        List<String> g = plan.splitColumn().isEmpty() ? List.of() : groups;
        if (stored.size() == 1 && !plan.splitColumn().isEmpty()) {
            String prefix = stored.get(0).name() + ":";
            g = groups.stream().map(s -> s.substring(prefix.length())).toList();
        }
        Unlabeled u = unlabeled(plan, store, panel, domainsOfLabeled(plan, store, stored, exclude));
        return new PreparedData(concat(parts, panel.size()), y, classNames, g, panel, sources, stored.get(0).name(),
                u.counts, u.labeledDomains, u.unlabeledDomains, u.names);
    }

    private record Unlabeled(CsrMatrix counts, int[] labeledDomains, int[] unlabeledDomains, List<String> names) {
    }

    /** Per kept labeled cell, its domain name (the domain column's value, or "labeled"). */
    private static List<String> domainsOfLabeled(TrainingPlan plan, DatasetStore store, List<StoredDataset> stored,
            Set<String> exclude) {
        List<String> out = new ArrayList<>();
        for (StoredDataset sd : stored) {
            CellDataset d = store.load(sd.id());
            List<String> labels = d.obsColumn(plan.labelColumn());
            List<String> dom = plan.domainColumn().isEmpty() ? null : d.obsColumn(plan.domainColumn());
            for (int i = 0; i < d.cells(); i++) {
                String l = labels.get(i);
                if (!l.isBlank() && !exclude.contains(l)) {
                    out.add(dom == null ? "labeled" : dom.get(i));
                }
            }
        }
        return out;
    }

    /**
     * The unlabeled target datasets on the panel (at least half the panel's genes must be found in
     * each), and domain ids for every cell: with a domain column its values (sorted, labeled and
     * unlabeled together), otherwise 0 for labeled cells and one id per unlabeled dataset.
     */
    private static Unlabeled unlabeled(TrainingPlan plan, DatasetStore store, GenePanel panel,
            List<String> labeledDomainNames) {
        List<CsrMatrix> parts = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (String id : plan.unlabeledDatasetIds()) {
            StoredDataset sd = store.get(id);
            CellDataset d = store.load(sd.id());
            GeneAlignment a = GeneAligner.align(panel, d.genes().identifiers(), 0.5);
            parts.add(a.toModelOrder(d.counts()));
            List<String> dom = plan.domainColumn().isEmpty() ? null : d.obsColumn(plan.domainColumn());
            for (int i = 0; i < d.cells(); i++) {
                names.add(dom == null ? "unlabeled:" + sd.name() : dom.get(i));
            }
        }
        List<String> all = new ArrayList<>(new TreeSet<>(labeledDomainNames));
        for (String n : new TreeSet<>(names)) {
            if (!all.contains(n)) {
                all.add(n);
            }
        }
        if (all.isEmpty()) {
            all.add("labeled");
        }
        int[] ld = labeledDomainNames.stream().mapToInt(all::indexOf).toArray();
        int[] ud = names.stream().mapToInt(all::indexOf).toArray();
        CsrMatrix counts = parts.isEmpty() ? CsrMatrix.empty(panel.size()) : concat(parts, panel.size());
        return new Unlabeled(counts, ld, ud, List.copyOf(all));
    }

    private static GenePanel panel(GeneList genes, List<String> intersectIds, DatasetStore store) {
        GenePanel full = new GenePanel(genes);
        if (intersectIds.isEmpty()) {
            return full;
        }
        boolean[] keep = new boolean[genes.size()];
        java.util.Arrays.fill(keep, true);
        for (String id : intersectIds) {
            CellDataset other = store.load(store.get(id).id());
            GeneAlignment a = GeneAligner.align(full, other.genes().identifiers(), 0.0);
            boolean[] present = new boolean[genes.size()];
            for (int m : a.clientToModel()) {
                if (m >= 0) {
                    present[m] = true;
                }
            }
            for (int i = 0; i < keep.length; i++) {
                keep[i] &= present[i];
            }
        }
        List<String> sym = new ArrayList<>();
        List<String> ens = new ArrayList<>();
        for (int i = 0; i < keep.length; i++) {
            if (keep[i]) {
                sym.add(genes.symbols().get(i));
                ens.add(genes.ensemblIds().get(i));
            }
        }
        if (sym.size() < 10) {
            throw CytoLabelException.invalid("only " + sym.size() + " genes are shared with the panel-intersect "
                    + "datasets; check that they use the same gene identifiers");
        }
        return new GenePanel(new GeneList(sym, ens));
    }

    static CsrMatrix concat(List<CsrMatrix> parts, int cols) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        int rows = parts.stream().mapToInt(CsrMatrix::rows).sum();
        int nnz = parts.stream().mapToInt(CsrMatrix::nnz).sum();
        int[] ptr = new int[rows + 1];
        int[] idx = new int[nnz];
        float[] val = new float[nnz];
        int r0 = 0;
        int k0 = 0;
        for (CsrMatrix m : parts) {
            for (int r = 0; r < m.rows(); r++) {
                ptr[r0 + r + 1] = k0 + m.indptr()[r + 1];
            }
            System.arraycopy(m.indices(), 0, idx, k0, m.nnz());
            System.arraycopy(m.values(), 0, val, k0, m.nnz());
            r0 += m.rows();
            k0 += m.nnz();
        }
        return new CsrMatrix(rows, cols, ptr, idx, val);
    }
}
