package org.cytolabel.trainer.eval;

import org.cytolabel.trainer.export.ParityResult;

/**
 * One family trained on one split with one seed: its scores on the test cells (from the exported
 * ONNX graph in ONNX Runtime), the ONNX output, the parity against DJL, and timings.
 *
 * @param probabilities   ONNX Runtime probabilities on the test cells
 * @param trainSeconds    wall time of {@code fit}
 * @param inferenceCellsPerSecond ONNX Runtime cells/s on the test cells (batch 256, after warm-up)
 */
public record SplitRun(String kind, long seed, SplitScore score, float[][] probabilities, byte[] onnx,
        ParityResult parity, double trainSeconds, double inferenceCellsPerSecond, int bestEpoch) {
}
