package org.cytolabel.trainer.export;

import java.util.Map;

/**
 * How far ONNX Runtime's probabilities are from DJL's on the same cells, and the largest
 * difference of each extra output ({@code auxiliary}, by output name).
 */
public record ParityResult(int cells, double maxAbsDifference, int argmaxMismatches, Map<String, Double> auxiliary) {

    public ParityResult {
        auxiliary = Map.copyOf(auxiliary);
    }

    public ParityResult(int cells, double maxAbsDifference, int argmaxMismatches) {
        this(cells, maxAbsDifference, argmaxMismatches, Map.of());
    }
}
