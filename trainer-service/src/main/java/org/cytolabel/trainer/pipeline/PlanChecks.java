package org.cytolabel.trainer.pipeline;

import java.util.Map;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.trainer.dataset.DatasetStore;
import org.cytolabel.trainer.dataset.StoredDataset;
import org.cytolabel.trainer.train.TrainingConfig;

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
        TrainingConfig.defaults(plan.modelKind()).withOverrides(plan.hyperParameters());
    }

    private static void requireColumn(StoredDataset d, String column, String field) {
        if (!d.obsColumns().contains(column)) {
            throw CytoLabelException.invalid(field + " '" + column + "' is not an obs column of " + d.id()
                    + "; it has " + d.obsColumns());
        }
    }
}
