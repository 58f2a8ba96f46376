package org.cytolabel.inference.runtime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * A reusable, zero-initialised, direct (native-order) float buffer that ONNX Runtime reads without a
 * copy. Writers record what they set so {@link #clear()} resets only those entries: refilling a batch
 * costs O(non-zeros), not O(cells x genes). One per compute thread ({@link #forThisThread()}), so the
 * memory is bounded by the compute pool, not by the number of open streams.
 */
public final class DenseBatch {
    /** Floats per buffer (16 MiB). */
    public static final int CAPACITY = 4 << 20;
    private static final ThreadLocal<DenseBatch> PER_THREAD = ThreadLocal.withInitial(() -> new DenseBatch(CAPACITY));

    private final FloatBuffer buffer;
    private int[] touched = new int[4096];
    private int count;

    public DenseBatch(int capacity) {
        buffer = ByteBuffer.allocateDirect(Math.multiplyExact(capacity, Float.BYTES)).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
    }

    /** This thread's buffer (all zeros unless its last user forgot to {@link #clear()}). */
    public static DenseBatch forThisThread() {
        return PER_THREAD.get();
    }

    public int capacity() {
        return buffer.capacity();
    }

    /** Sets one entry (row-major offset). */
    public void put(int offset, float value) {
        buffer.put(offset, value);
        if (count == touched.length) {
            touched = Arrays.copyOf(touched, count * 2);
        }
        touched[count++] = offset;
    }

    /** The first {@code floats} entries as a buffer positioned at 0 (shares this batch's memory). */
    FloatBuffer view(int floats) {
        FloatBuffer v = buffer.duplicate();
        v.position(0).limit(floats);
        return v;
    }

    /** Zeroes every entry set since the last clear. */
    public void clear() {
        for (int i = 0; i < count; i++) {
            buffer.put(touched[i], 0f);
        }
        count = 0;
    }

    /**
     * Writes cells {@code from .. from + rows} of {@code counts} as rows of width {@code genes}, column
     * {@code toModel[c]} for client column {@code c} (skipped when negative), as
     * {@code GeneAlignment#scatterRow} does but into the direct buffer, recording what it set.
     */
    public void scatter(org.cytolabel.core.data.CsrMatrix counts, int from, int rows, int[] toModel, int genes) {
        int[] indptr = counts.indptr();
        int[] indices = counts.indices();
        float[] values = counts.values();
        for (int r = 0; r < rows; r++) {
            int offset = r * genes;
            for (int k = indptr[from + r]; k < indptr[from + r + 1]; k++) {
                int m = toModel[indices[k]];
                if (m >= 0 && values[k] != 0f) {
                    put(offset + m, values[k]);
                }
            }
        }
    }
}
