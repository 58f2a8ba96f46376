package org.cytolabel.inference.batch;

import java.util.Set;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.inference.runtime.DenseBatch;
import org.cytolabel.inference.runtime.ModelOutputs;
import org.cytolabel.inference.runtime.OrtModel;

/** Runs a batch (model gene order) by scattering it into the compute thread's dense buffer. */
final class OrtBatchRunner implements BatchRunner {
    private final OrtModel model;
    private final int genes;
    private final int[] identity;

    OrtBatchRunner(OrtModel model, int genes) {
        this.model = model;
        this.genes = genes;
        this.identity = new int[genes];
        for (int i = 0; i < genes; i++) {
            identity[i] = i;
        }
    }

    @Override
    public ModelOutputs run(CsrMatrix cells, Set<String> outputs) {
        DenseBatch dense = DenseBatch.forThisThread();
        try {
            dense.scatter(cells, 0, cells.rows(), identity, genes);
            return model.run(dense, cells.rows(), genes, outputs);
        } finally {
            dense.clear();
        }
    }
}
