package org.cytolabel.trainer.pipeline;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.trainer.model.ModelFamilies;

/**
 * A validated training request in domain terms. {@code unlabeledDatasetIds} are target cells
 * without labels for the families that learn from them; {@code domainColumn} names the obs column
 * of their domains (empty: one domain per dataset).
 */
public record TrainingPlan(String modelKind, List<String> datasetIds, String labelColumn, String splitColumn,
        List<String> testGroups, double testFraction, double validationFraction, Map<String, String> hyperParameters,
        int maxEpochs, long seed, String publishAs, String alias, List<String> excludeLabels,
        Map<String, String> labelOntologyIds, List<String> panelIntersectDatasetIds, List<String> unlabeledDatasetIds,
        String domainColumn) {

    private static final Pattern MODEL_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    private static final Pattern ALIAS = Pattern.compile("[a-z][a-z0-9_-]{0,62}");

    public TrainingPlan {
        datasetIds = List.copyOf(datasetIds);
        testGroups = List.copyOf(testGroups);
        hyperParameters = Map.copyOf(hyperParameters);
        excludeLabels = List.copyOf(excludeLabels);
        labelOntologyIds = Map.copyOf(labelOntologyIds);
        panelIntersectDatasetIds = List.copyOf(panelIntersectDatasetIds);
        unlabeledDatasetIds = unlabeledDatasetIds == null ? List.of() : List.copyOf(unlabeledDatasetIds);
        domainColumn = domainColumn == null ? "" : domainColumn;
        if (!ModelFamilies.has(modelKind)) {
            throw CytoLabelException.invalid("unknown model kind '" + modelKind + "'; choose one of "
                    + ModelFamilies.kinds());
        }
        if (ModelFamilies.get(modelKind).needsUnlabeledData() && unlabeledDatasetIds.isEmpty()) {
            throw CytoLabelException.invalid("model kind '" + modelKind + "' learns from the unlabeled cells you want"
                    + " to annotate: name them in unlabeled_dataset_ids (upload them first)");
        }
        if (datasetIds.isEmpty()) {
            throw CytoLabelException.invalid("name at least one uploaded dataset to train on");
        }
        if (labelColumn.isBlank()) {
            throw CytoLabelException.invalid("name the obs column that holds the cell-type labels (label_column)");
        }
        if (!MODEL_NAME.matcher(publishAs).matches()) {
            throw CytoLabelException.invalid("publish_as '" + publishAs
                    + "' must be a model name: lower-case letters, digits, '.', '_' or '-', e.g. 'pbmc'");
        }
        if (!alias.isEmpty() && !ALIAS.matcher(alias).matches()) {
            throw CytoLabelException.invalid("alias '" + alias + "' must be lower-case letters, digits, '_' or '-',"
                    + " e.g. 'production'");
        }
        if (testFraction < 0 || testFraction >= 1 || validationFraction < 0 || validationFraction >= 1) {
            throw CytoLabelException.invalid("test_fraction and validation_fraction must be in [0, 1)");
        }
        if (maxEpochs < 0) {
            throw CytoLabelException.invalid("max_epochs must be positive (0 uses the model's default)");
        }
    }
}
