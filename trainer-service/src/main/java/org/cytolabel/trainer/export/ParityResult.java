package org.cytolabel.trainer.export;

/** How far ONNX Runtime's probabilities are from DJL's on the same cells. */
public record ParityResult(int cells, double maxAbsDifference, int argmaxMismatches) {
}
