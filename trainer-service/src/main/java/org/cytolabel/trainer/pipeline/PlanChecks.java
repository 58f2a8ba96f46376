package org.cytolabel.trainer.pipeline;

import java.util.Map;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.trainer.dataset.DatasetStore;
import org.cytolabel.trainer.dataset.StoredDataset;
import org.cytolabel.trainer.model.HyperParameters;
import org.cytolabel.trainer.model.ModelFamilies;
import org.cytolabel.trainer.model.ModelFamily;

/**
 * What can be checked before a job is queued, so that a mistake gets an immediate, specific error
 * instead of a failed job: datasets exist, the label and split columns exist in each of them, named
 * test groups occur, and the hyper-parameters are known to the model kind.
 */
public final class PlanChecks {
    private PlanChecks() {
    }

    public static void check(TrainingPlan plan, DatasetStore store) {
        for (String id : plan.datasetIds()) {
            StoredDataset d = store.get(id);
            requireColumn(d, plan.labelColumn(), "label_column");
            if (!plan.splitColumn().isEmpty()) {
                requireColumn(d, plan.splitColumn(), "split_column");
            }
        }
        plan.panelIntersectDatasetIds().forEach(store::get);
        if (!plan.domainColumn().isEmpty()) {
            for (String id : plan.datasetIds()) {
                requireColumn(store.get(id), plan.domainColumn(), "domain_column");
            }
            for (String id : plan.unlabeledDatasetIds()) {
                requireColumn(store.get(id), plan.domainColumn(), "domain_column");
            }
        }
        plan.unlabeledDatasetIds().forEach(store::get);
        if (!plan.splitColumn().isEmpty() && !plan.testGroups().isEmpty()) {
            for (String group : plan.testGroups()) {
                boolean found = plan.datasetIds().stream().map(store::get).anyMatch(d -> {
                    Map<String, Long> cats = d.obsCategoryCounts().get(plan.splitColumn());
                    return cats == null || cats.containsKey(group);
                });
                if (!found) {
                    throw CytoLabelException.invalid("test group '" + group + "' does not occur in column '"
                            + plan.splitColumn() + "'; it has " + store.get(plan.datasetIds().get(0))
                                    .obsCategoryCounts().get(plan.splitColumn()).keySet());
                }
            }
        }
        ModelFamily family = ModelFamilies.get(plan.modelKind());
        family.validate(HyperParameters.of(plan.modelKind(), family.defaults(), plan.hyperParameters()));
    }

    private static void requireColumn(StoredDataset d, String column, String field) {
        if (!d.obsColumns().contains(column)) {
            throw CytoLabelException.invalid(field + " '" + column + "' is not an obs column of " + d.id()
                    + "; it has " + d.obsColumns());
        }
    }
}
