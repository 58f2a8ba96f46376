package org.cytolabel.cli.bench;

import org.cytolabel.proto.model.v1.ModelCard;
import org.cytolabel.proto.model.v1.ModelRef;

/** A model published through the trainer and fetched back from the registry: its card and ONNX bytes. */
record BenchModel(String kind, ModelCard card, byte[] onnx) {

    /** The exact published version. */
    ModelRef ref() {
        return ModelRef.newBuilder().setName(card.getName()).setVersion(card.getVersion()).build();
    }

    String label() {
        return card.getName() + ":" + card.getVersion();
    }

    int genes() {
        return card.getGenePanel().getSymbolsCount();
    }

    int classes() {
        return card.getLabelsCount();
    }

    int hiddenSize() {
        return Integer.parseInt(card.getHyperParametersMap().getOrDefault("hidden", "0"));
    }

    int hiddenLayers() {
        return Integer.parseInt(card.getHyperParametersMap().getOrDefault("layers", "0"));
    }

    /** Multiply-adds x 2 of the dense layers per cell: 2 (G h + (L - 1) h h + h C), or 2 G C for a linear model. */
    long flopsPerCell() {
        long g = genes();
        long c = classes();
        long h = hiddenSize();
        int layers = hiddenLayers();
        if (layers == 0 || h == 0) {
            return 2 * g * c;
        }
        return 2 * (g * h + (layers - 1) * h * h + h * c);
    }

    /** The layer widths, e.g. "8863 → 256 → 256 → 9". */
    String shape() {
        StringBuilder s = new StringBuilder().append(genes());
        for (int i = 0; i < hiddenLayers(); i++) {
            s.append(" → ").append(hiddenSize());
        }
        return s.append(" → ").append(classes()).toString();
    }

    /** The trainer's macro-F1 on its held-out test split, NaN when the card has none. */
    double testMacroF1() {
        return card.getEvaluationsList().stream().filter(e -> e.getSplit().equals("test")).findFirst()
                .map(e -> e.getMacroF1()).orElse(Double.NaN);
    }
}
