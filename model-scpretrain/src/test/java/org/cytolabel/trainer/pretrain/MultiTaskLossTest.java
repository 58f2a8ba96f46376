package org.cytolabel.trainer.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.cytolabel.trainer.model.EngineLock;
import org.junit.jupiter.api.Test;

class MultiTaskLossTest {

    @Test
    void sumOfEachTasksMeanCrossEntropy() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), EngineLock.ENGINE)) {
            // task A: one cell, logits (0, 0), label 0 -> ln 2
            NDArray za = m.create(new float[] {0, 0}, new Shape(1, 2));
            NDArray ya = m.create(MultiTaskLoss.oneHot(new int[] {0}, null, 0, 1, 2), new Shape(1, 2));
            // task B: two cells; (ln 3, 0, 0) label 0 -> -ln(3/5); (0, 0, 0) label 2 -> ln 3; mean of the two
            NDArray zb = m.create(new float[] {(float) Math.log(3), 0, 0, 0, 0, 0}, new Shape(2, 3));
            NDArray yb = m.create(MultiTaskLoss.oneHot(new int[] {0, 2}, null, 0, 2, 3), new Shape(2, 3));
            double expectedA = Math.log(2);
            double expectedB = (-Math.log(0.6) + Math.log(3)) / 2;
            List<NDArray> per = MultiTaskLoss.perTask(List.of(za, zb), List.of(ya, yb));
            assertEquals(expectedA, per.get(0).getFloat(), 1e-6);
            assertEquals(expectedB, per.get(1).getFloat(), 1e-6);
            assertEquals(expectedA + expectedB,
                    MultiTaskLoss.evaluate(List.of(za, zb), List.of(ya, yb)).getFloat(), 1e-6);
        }
    }
}
