package org.cytolabel.trainer.model;

import java.util.List;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.trainer.train.LabeledMatrix;

/**
 * What a family trains on, already aligned to one gene panel (columns in {@link #genes()} order,
 * raw counts).
 *
 * @param train            labeled training cells
 * @param validation       labeled validation cells (early stopping, calibration)
 * @param genes            the panel's gene symbols, one per column
 * @param classNames       label names by class id
 * @param trainGroups      per training cell, the index of its group in {@code groupNames} (donor or
 *                         sample, from the split column), or -1; all -1 when the request names none
 * @param groupNames       the groups' names
 * @param unlabeled        unlabeled target cells (possibly none: zero rows) in the same gene order
 * @param trainDomains     per training cell, its domain id (batch): 0 unless a domain column says
 *                         otherwise
 * @param unlabeledDomains per unlabeled cell, its domain id
 * @param numDomains       number of distinct domain ids (at least 1)
 * @param seed             the run's seed
 */
public record TrainingData(LabeledMatrix train, LabeledMatrix validation, List<String> genes,
        List<String> classNames, int[] trainGroups, List<String> groupNames, CsrMatrix unlabeled,
        int[] trainDomains, int[] unlabeledDomains, int numDomains, long seed) {

    public TrainingData {
        genes = List.copyOf(genes);
        classNames = List.copyOf(classNames);
        groupNames = List.copyOf(groupNames);
        int g = genes.size();
        if (train.genes() != g || validation.genes() != g || unlabeled.cols() != g) {
            throw CytoLabelException.invalid("training data is not on one panel of " + g + " genes: train "
                    + train.genes() + ", validation " + validation.genes() + ", unlabeled " + unlabeled.cols());
        }
        if (classNames.size() != train.numClasses()) {
            throw CytoLabelException.invalid(classNames.size() + " class names for " + train.numClasses() + " classes");
        }
        if (trainGroups.length != train.cells() || trainDomains.length != train.cells()
                || unlabeledDomains.length != unlabeled.rows()) {
            throw CytoLabelException.invalid("per-cell groups or domains do not match the cell counts");
        }
        if (numDomains < 1) {
            throw CytoLabelException.invalid("at least one domain, got " + numDomains);
        }
    }

    /** Labeled data only: no groups, one domain, no unlabeled cells. */
    public static TrainingData labeled(LabeledMatrix train, LabeledMatrix validation, List<String> genes,
            List<String> classNames, long seed) {
        int[] none = new int[train.cells()];
        java.util.Arrays.fill(none, -1);
        return new TrainingData(train, validation, genes, classNames, none, List.of(),
                CsrMatrix.empty(genes.size()), new int[train.cells()], new int[0], 1, seed);
    }

    /** This data with unlabeled target cells: labeled cells domain 0, the given domains for the rest. */
    public TrainingData withUnlabeled(CsrMatrix cells, int[] domains, int domainCount) {
        return new TrainingData(train, validation, genes, classNames, trainGroups, groupNames, cells, trainDomains,
                domains, domainCount, seed);
    }

    /** This data with training-cell groups (donors). */
    public TrainingData withGroups(int[] groups, List<String> names) {
        return new TrainingData(train, validation, genes, classNames, groups, names, unlabeled, trainDomains,
                unlabeledDomains, numDomains, seed);
    }

    /** Whether any unlabeled cells came with the request. */
    public boolean hasUnlabeled() {
        return unlabeled.rows() > 0;
    }
}
