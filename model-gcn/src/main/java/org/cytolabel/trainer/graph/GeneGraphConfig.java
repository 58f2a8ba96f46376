package org.cytolabel.trainer.graph;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.cytolabel.trainer.model.HyperParameters;

/**
 * Resolved hyper-parameters of the "fc", "ae-fc" and "gcn" kinds. The classifier is
 * {@code G -> hidden1 -> hidden2 -> C} (Linear, BatchNorm, ReLU, Dropout per hidden layer) on the
 * contract's log1p input; "ae-fc" pretrains its two hidden layers as an autoencoder for
 * {@code aeEpochs}; "gcn" adds the gene-graph residual ({@link GeneGraphNetwork}).
 */
record GeneGraphConfig(String kind, int epochs, int batchSize, float lr, float weightDecay, float stepGamma,
        int patience, int hidden1, int hidden2, float dropout, int aeEpochs, float aeLr, String graph,
        GeneGraph.Diagonal diagonal, GeneGraph.Normalization normalization, String graphMode, boolean coveredOnly,
        int nodeDim, int keyDim, int learnedGenes, boolean nodeBias) {

    static final String FC = "fc";
    static final String AE_FC = "ae-fc";
    static final String GCN = "gcn";

    /** The defaults of {@code kind}, in a stable order. */
    static Map<String, String> defaults(String kind) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("epochs", "30");
        d.put("batch_size", "128");
        d.put("lr", "0.001");
        d.put("weight_decay", "0.01");
        d.put("step_gamma", "0.95");
        d.put("patience", "8");
        d.put("hidden1", "256");
        d.put("hidden2", "128");
        d.put("dropout", "0.3");
        if (AE_FC.equals(kind)) {
            d.put("ae_epochs", "20");
            d.put("ae_lr", "0.001");
        }
        if (GCN.equals(kind)) {
            d.put("graph", "string");
            d.put("diagonal", "unit");
            d.put("normalize", "max");
            d.put("graph_mode", "prior");
            d.put("covered_only", "false");
            d.put("node_dim", "8");
            d.put("key_dim", "8");
            d.put("learned_genes", "256");
            d.put("node_bias", "true");
        }
        return d;
    }

    static GeneGraphConfig from(String kind, HyperParameters hp) {
        int epochs = hp.integer("epochs");
        hp.require(epochs >= 1, "epochs", "at least 1");
        int batch = hp.integer("batch_size");
        hp.require(batch >= 2, "batch_size", "at least 2");
        float lr = hp.real("lr");
        hp.require(lr > 0, "lr", "positive");
        float wd = hp.real("weight_decay");
        hp.require(wd >= 0, "weight_decay", ">= 0");
        float gamma = hp.real("step_gamma");
        hp.require(gamma > 0 && gamma <= 1, "step_gamma", "in (0, 1]");
        int patience = hp.integer("patience");
        hp.require(patience >= 1, "patience", "at least 1");
        int h1 = hp.integer("hidden1");
        hp.require(h1 >= 1, "hidden1", "at least 1");
        int h2 = hp.integer("hidden2");
        hp.require(h2 >= 1, "hidden2", "at least 1");
        float dropout = hp.real("dropout");
        hp.require(dropout >= 0 && dropout < 1, "dropout", "in [0, 1)");
        int aeEpochs = 0;
        float aeLr = 0;
        if (AE_FC.equals(kind)) {
            aeEpochs = hp.integer("ae_epochs");
            hp.require(aeEpochs >= 1, "ae_epochs", "at least 1");
            aeLr = hp.real("ae_lr");
            hp.require(aeLr > 0, "ae_lr", "positive");
        }
        String graph = null;
        GeneGraph.Diagonal diagonal = null;
        GeneGraph.Normalization norm = null;
        String mode = null;
        boolean covered = false;
        int nodeDim = 0;
        int keyDim = 0;
        int learned = 0;
        boolean bias = false;
        if (GCN.equals(kind)) {
            graph = hp.string("graph");
            hp.require(!graph.isBlank(), "graph", "'string', 'trrust' or an edge-list path");
            diagonal = GeneGraph.Diagonal.parse(hp.string("diagonal"));
            norm = GeneGraph.Normalization.parse(hp.string("normalize"));
            mode = hp.string("graph_mode").toLowerCase(Locale.ROOT);
            hp.require(mode.equals("prior") || mode.equals("learned") || mode.equals("both"), "graph_mode",
                    "one of prior, learned, both");
            covered = hp.flag("covered_only");
            nodeDim = hp.integer("node_dim");
            hp.require(nodeDim >= 1 && nodeDim <= 256, "node_dim", "in 1..256");
            keyDim = hp.integer("key_dim");
            hp.require(keyDim >= 1 && keyDim <= 256, "key_dim", "in 1..256");
            learned = hp.integer("learned_genes");
            hp.require(learned >= 2 && learned <= 4096, "learned_genes", "in 2..4096 (memory grows with its square)");
            bias = hp.flag("node_bias");
        }
        return new GeneGraphConfig(kind, epochs, batch, lr, wd, gamma, patience, h1, h2, dropout, aeEpochs, aeLr,
                graph, diagonal, norm, mode, covered, nodeDim, keyDim, learned, bias);
    }

    boolean gcn() {
        return GCN.equals(kind);
    }

    boolean usesPrior() {
        return gcn() && ("prior".equals(graphMode) || "both".equals(graphMode));
    }

    boolean usesLearned() {
        return gcn() && ("learned".equals(graphMode) || "both".equals(graphMode));
    }
}
