package org.cytolabel.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class ClassWeightsTest {

    @Test
    void balancedWeightsAreNOverCTimesClassCount() {
        // n = 6, C = 3: class 0 has 3 cells, class 1 one, class 2 two.
        float[] w = ClassWeights.balanced(new int[] {0, 2, 0, 1, 0, 2}, 3);
        assertArrayEquals(new float[] {6f / 9f, 2f, 1f}, w, 1e-7f);
    }

    @Test
    void aClassWithoutTrainingCellsWeighsNothing() {
        float[] w = ClassWeights.balanced(new int[] {0, 1, 1, 1}, 3);
        assertArrayEquals(new float[] {4f / 3f, 4f / 9f, 0f}, w, 1e-7f);
    }

    @Test
    void weightedCrossEntropyMatchesTheHandValue() {
        // logits: cell 0 [0, 0] (p = 0.5, 0.5), label 0; cell 1 [ln 3, 0] (p = 0.75, 0.25), label 1.
        float[] classWeights = {1f, 3f};
        int[] labels = {0, 1};
        int[] order = {0, 1};
        float[] target = WeightedCrossEntropy.target(labels, order, 0, 2, classWeights);
        assertArrayEquals(new float[] {1, 0, 0, 3}, target);
        double expected = (1 * -Math.log(0.5) + 3 * -Math.log(0.25)) / 4;
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray logits = m.create(new float[] {0, 0, (float) Math.log(3), 0}, new Shape(2, 2));
            float loss = new WeightedCrossEntropy().evaluate(new NDList(m.create(target, new Shape(2, 2))),
                    new NDList(logits)).getFloat();
            assertEquals(expected, loss, 1e-6);
        }
        float[][] probs = {{0.5f, 0.5f}, {0.75f, 0.25f}};
        assertEquals(expected, Batches.weightedLoss(probs, labels, classWeights), 1e-7);
    }

    @Test
    void aLastBatchOfOneCellJoinsThePreviousBatch() {
        assertArrayEquals(new int[][] {{0, 4}, {4, 8}, {8, 10}}, Batches.batchBounds(10, 4));
        assertArrayEquals(new int[][] {{0, 4}, {4, 9}}, Batches.batchBounds(9, 4));
        assertArrayEquals(new int[][] {{0, 3}}, Batches.batchBounds(3, 4));
    }
}
