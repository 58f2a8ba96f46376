package org.cytolabel.inference.batch;

import java.util.Set;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.inference.runtime.ModelOutputs;

/** Runs one batch of cells, already in the model's gene order, through the model. */
@FunctionalInterface
public interface BatchRunner {
    /** @param cells raw counts, one row per cell, columns in the model's gene order */
    ModelOutputs run(CsrMatrix cells, Set<String> outputs);
}
