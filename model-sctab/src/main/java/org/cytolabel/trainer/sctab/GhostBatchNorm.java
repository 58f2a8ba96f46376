package org.cytolabel.trainer.sctab;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Ghost batch norm (TabNet): in training a batch is cut into {@code ceil(B / virtualBatch)} chunks
 * as {@code torch.chunk} does and each chunk is normalised with its own statistics (each chunk
 * also updates the running statistics); in inference it is plain batch norm on the running
 * statistics.
 */
final class GhostBatchNorm extends AbstractBlock {
    static final float EPSILON = 1e-5f;

    private final BatchNorm norm;
    private final int virtualBatch;

    /** {@code torchMomentum} as PyTorch counts it (weight of the new batch, e.g. 0.02). */
    GhostBatchNorm(int virtualBatch, float torchMomentum) {
        super((byte) 1);
        this.virtualBatch = virtualBatch;
        this.norm = addChildBlock("bn", BatchNorm.builder().optEpsilon(EPSILON)
                .optMomentum(1f - torchMomentum).build());
    }

    BatchNorm norm() {
        return norm;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        long n = x.getShape().get(0);
        if (!training || n <= virtualBatch) {
            return norm.forward(store, inputs, training, params);
        }
        long chunks = (n + virtualBatch - 1) / virtualBatch;
        long size = (n + chunks - 1) / chunks;
        int pieces = (int) ((n + size - 1) / size);
        long[] cuts = new long[pieces - 1];
        for (int i = 1; i < pieces; i++) {
            cuts[i - 1] = i * size;
        }
        NDList parts = x.split(cuts, 0);
        NDList out = new NDList(parts.size());
        for (NDArray part : parts) {
            out.add(norm.forward(store, new NDList(part), true, params).singletonOrThrow());
        }
        return new NDList(NDArrays.concat(out, 0));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        norm.initialize(manager, dataType, inputShapes);
    }
}
