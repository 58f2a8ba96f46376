package org.cytolabel.inference.runtime;

import java.util.Arrays;
import java.util.Map;

/**
 * The outputs of one run over {@code rows} cells: each requested output as a flat row-major array
 * with its shape (first dimension = rows).
 */
public record ModelOutputs(int rows, Map<String, float[]> values, Map<String, long[]> shapes) {

    public ModelOutputs {
        values = Map.copyOf(values);
        shapes = Map.copyOf(shapes);
    }

    /** The named output; an error naming the outputs there are when it was not produced. */
    public float[] get(String name) {
        float[] v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no output '" + name + "'; have " + values.keySet());
        }
        return v;
    }

    /** Elements per row of the named output (the product of its dimensions after the first). */
    public int width(String name) {
        long[] shape = shapes.get(name);
        if (shape == null) {
            throw new IllegalArgumentException("no output '" + name + "'; have " + shapes.keySet());
        }
        return (int) Arrays.stream(shape).skip(1).reduce(1L, (a, b) -> a * b);
    }
}
