package org.cytolabel.trainer.eval;

import java.util.List;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.trainer.model.TrainingData;

/**
 * One of the standard evaluation splits every model family is compared on: what it trains on and
 * the held-out cells it is scored on.
 *
 * @param name        short id, e.g. "kang-ctrl-stim"
 * @param description one line: where train and test cells come from
 * @param data        training data on the split's gene panel (for transfer splits the unlabeled
 *                    target is the test set's counts, domain 1)
 * @param testCounts  held-out cells, raw counts on the same panel
 * @param testTruth   per test cell its class id in {@code data.classNames()}, or -1 when its type
 *                    has no training class (then only the ontology-aware score counts it)
 * @param testClIds   per test cell, its true Cell Ontology id
 * @param classClIds  per class id, the class's Cell Ontology id
 */
public record BenchmarkSplit(String name, String description, TrainingData data, CsrMatrix testCounts,
        int[] testTruth, List<String> testClIds, List<String> classClIds) {
}
