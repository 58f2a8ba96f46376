package org.cytolabel.trainer.graph;

import java.util.Map;
import org.cytolabel.trainer.model.FittedModel;
import org.cytolabel.trainer.model.HyperParameters;
import org.cytolabel.trainer.model.ModelFamily;
import org.cytolabel.trainer.model.TrainingData;
import org.cytolabel.trainer.train.TrainingListener;

/**
 * The gene-graph method's three classifiers as model families: "fc" (two hidden fully connected
 * layers, 256 and 128 wide by default, BatchNorm, ReLU, dropout 0.3), "ae-fc" (the same network
 * with its hidden layers initialised from an autoencoder pretrained on the training cells) and
 * "gcn" (the same classifier reading the input plus a gene-graph GCN residual over a prior
 * interaction graph, a learned embedded dot-product graph, or both; see {@link GeneGraphNetwork}).
 * Registered through {@code META-INF/services} by the no-argument subclasses {@link Fc},
 * {@link AeFc} and {@link Gcn}.
 */
public class GeneGraphFamily implements ModelFamily {
    private final String kind;

    protected GeneGraphFamily(String kind) {
        this.kind = kind;
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public String description() {
        return switch (kind) {
            case GeneGraphConfig.FC -> "two-hidden-layer fully connected classifier on log-normalised counts";
            case GeneGraphConfig.AE_FC -> "fully connected classifier whose hidden layers are initialised from an"
                    + " autoencoder pretrained on the training cells";
            default -> "gene-graph classifier: a GCN over a gene-interaction prior (STRING by default) and/or a"
                    + " learned gene graph, added to the input, then the fully connected classifier";
        };
    }

    @Override
    public Map<String, String> defaults() {
        return GeneGraphConfig.defaults(kind);
    }

    @Override
    public FittedModel fit(TrainingData data, HyperParameters hyperParameters, TrainingListener listener) {
        GeneGraphConfig config = GeneGraphConfig.from(kind, hyperParameters);
        return GeneGraphTrainer.train(data, config, hyperParameters.asMap(), listener);
    }

    /** Kind "fc". */
    public static final class Fc extends GeneGraphFamily {
        public Fc() {
            super(GeneGraphConfig.FC);
        }
    }

    /** Kind "ae-fc". */
    public static final class AeFc extends GeneGraphFamily {
        public AeFc() {
            super(GeneGraphConfig.AE_FC);
        }
    }

    /** Kind "gcn". */
    public static final class Gcn extends GeneGraphFamily {
        public Gcn() {
            super(GeneGraphConfig.GCN);
        }
    }
}
