package org.cytolabel.trainer.grpc;

import org.cytolabel.proto.trainer.v1.TrainingRequest;
import org.cytolabel.trainer.pipeline.TrainingPlan;

final class PlanMapping {
    static final double DEFAULT_TEST_FRACTION = 0.2;
    static final double DEFAULT_VALIDATION_FRACTION = 0.1;

    private PlanMapping() {
    }

    static TrainingPlan fromProto(TrainingRequest r) {
        double test = r.hasTestFraction() ? r.getTestFraction()
                : r.getTestGroupsCount() > 0 ? 0 : DEFAULT_TEST_FRACTION;
        double validation = r.hasValidationFraction() ? r.getValidationFraction() : DEFAULT_VALIDATION_FRACTION;
        return new TrainingPlan(r.getModelKind(), r.getDatasetIdsList(), r.getLabelColumn(), r.getSplitColumn(),
                r.getTestGroupsList(), test, validation, r.getHyperParametersMap(), r.getMaxEpochs(), r.getSeed(),
                r.getPublishAs(), r.getAlias(), r.getExcludeLabelsList(), r.getLabelOntologyIdsMap(),
                r.getPanelIntersectDatasetIdsList(), r.getUnlabeledDatasetIdsList(), r.getDomainColumn());
    }
}
