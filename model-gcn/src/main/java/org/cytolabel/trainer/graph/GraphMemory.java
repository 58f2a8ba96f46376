package org.cytolabel.trainer.graph;

import java.util.List;
import java.util.Map;
import org.cytolabel.trainer.model.HyperParameters;

/** What a "gcn" configuration's graphs take on a given panel, without training (for reports). */
public final class GraphMemory {

    private GraphMemory() {
    }

    /**
     * Bytes of the prior graph as exported (neighbour tables, per-slot coefficients, bias terms)
     * plus the learned graph's attention for a 256-cell batch ({@code 256 x K x K} floats), for a
     * "gcn" model with these overrides on {@code genes}; 0 for the parts the mode does not use.
     */
    public static long bytes(List<String> genes, Map<String, String> gcnOverrides) {
        GeneGraphConfig c = GeneGraphConfig.from(GeneGraphConfig.GCN, HyperParameters.of(GeneGraphConfig.GCN,
                GeneGraphConfig.defaults(GeneGraphConfig.GCN), gcnOverrides));
        GeneGraph g = GeneGraph.load(c.graph(), genes, c.diagonal(), c.normalization());
        int modelGenes = genes.size();
        if (c.coveredOnly()) {
            int[] covered = g.coveredGenes();
            g = g.restrict(covered);
            modelGenes = covered.length;
        }
        long bytes = 0;
        if (c.usesPrior()) {
            bytes += NeighbourBuckets.of(g).exportBytes(c.nodeDim());
        }
        if (c.usesLearned()) {
            long k = Math.min(modelGenes, c.learnedGenes());
            bytes += 256L * k * k * Float.BYTES;
        }
        return bytes;
    }

    /** The loading counts of the graph these overrides name on {@code genes}. */
    public static GeneGraph.Stats stats(List<String> genes, Map<String, String> gcnOverrides) {
        GeneGraphConfig c = GeneGraphConfig.from(GeneGraphConfig.GCN, HyperParameters.of(GeneGraphConfig.GCN,
                GeneGraphConfig.defaults(GeneGraphConfig.GCN), gcnOverrides));
        return GeneGraph.load(c.graph(), genes, c.diagonal(), c.normalization()).stats();
    }
}
