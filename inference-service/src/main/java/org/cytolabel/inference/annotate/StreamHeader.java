package org.cytolabel.inference.annotate;

import java.util.List;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.proto.model.v1.ModelRef;

/**
 * Opens an annotation stream: the model, the client's genes in its column order, the outputs wanted,
 * and the fraction of the model's genes that must be among them (0 picks {@link #DEFAULT_MIN_OVERLAP}).
 */
public record StreamHeader(ModelRef model, List<String> geneIds, OutputRequest outputs, double minGeneOverlap) {
    public static final double DEFAULT_MIN_OVERLAP = 0.5;

    public StreamHeader {
        geneIds = List.copyOf(geneIds);
        if (model == null || model.getName().isBlank()) {
            throw CytoLabelException.invalid("the header names no model; set model.name (and a version or alias)");
        }
        if (geneIds.isEmpty()) {
            throw CytoLabelException.invalid("the header lists no gene ids; send the genes of your"
                    + " count columns, in order, as symbols or Ensembl ids");
        }
        if (!(minGeneOverlap >= 0 && minGeneOverlap <= 1)) {
            throw CytoLabelException.invalid("min_gene_overlap must be a fraction in [0, 1], got " + minGeneOverlap);
        }
        if (minGeneOverlap == 0) {
            minGeneOverlap = DEFAULT_MIN_OVERLAP;
        }
        if (outputs == null) {
            outputs = OutputRequest.DEFAULT;
        }
    }
}
