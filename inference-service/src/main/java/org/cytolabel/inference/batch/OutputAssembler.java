package org.cytolabel.inference.batch;

import java.util.HashMap;
import java.util.Map;
import org.cytolabel.inference.runtime.ModelOutputs;

/** Gathers one job's rows from the batches that ran them (possibly several) into one set of outputs. */
final class OutputAssembler {
    private final int rows;
    private final Map<String, float[]> values = new HashMap<>();
    private final Map<String, long[]> shapes = new HashMap<>();
    private int filled;

    OutputAssembler(int rows) {
        this.rows = rows;
    }

    /** Takes {@code n} rows from {@code batch} starting at {@code batchRow} into rows {@code to ..}; true when full. */
    synchronized boolean add(ModelOutputs batch, int batchRow, int to, int n) {
        for (var e : batch.values().entrySet()) {
            String name = e.getKey();
            int width = batch.width(name);
            float[] into = values.computeIfAbsent(name, k -> {
                long[] shape = batch.shapes().get(k).clone();
                shape[0] = rows;
                shapes.put(k, shape);
                return new float[Math.multiplyExact(rows, width)];
            });
            System.arraycopy(e.getValue(), batchRow * width, into, to * width, n * width);
        }
        filled += n;
        return filled == rows;
    }

    synchronized ModelOutputs outputs() {
        return new ModelOutputs(rows, values, shapes);
    }
}
