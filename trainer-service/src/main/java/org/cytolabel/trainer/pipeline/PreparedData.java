package org.cytolabel.trainer.pipeline;

import java.util.List;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.panel.GenePanel;
import org.cytolabel.proto.model.v1.DatasetFingerprint;

/**
 * Labeled cells ready to train on: counts in the panel's gene order, label indices into
 * {@code classNames}, the split group of each cell (empty when there is no split column), and
 * where the cells came from; plus the unlabeled target cells on the same panel with the domain of
 * every labeled ({@code labeledDomains}) and unlabeled cell.
 */
public record PreparedData(CsrMatrix counts, int[] labels, List<String> classNames, List<String> groups,
        GenePanel panel, List<DatasetFingerprint> sources, String vocabulary, CsrMatrix unlabeled,
        int[] labeledDomains, int[] unlabeledDomains, List<String> domainNames) {
}
