package org.cytolabel.trainer.pipeline;

import java.util.Map;
import org.cytolabel.core.ontology.CellOntology;
import org.cytolabel.core.ontology.LabelMap;

/** Maps a dataset's label vocabulary to Cell Ontology ids: request overrides, then the label table. */
public record LabelOntology(CellOntology ontology, LabelMap labelMap) {

    /** The CL id of {@code label} in dataset {@code datasetName}; "" when unknown. */
    public String clId(String datasetName, String label, Map<String, String> overrides) {
        String o = overrides.get(label);
        if (o != null) {
            return o;
        }
        for (String vocabulary : labelMap.datasets()) {
            if (datasetName.startsWith(vocabulary)) {
                var hit = labelMap.clId(vocabulary, label);
                if (hit.isPresent()) {
                    return hit.get();
                }
            }
        }
        return labelMap.clId(label).orElse("");
    }

    public String name(String clId) {
        return clId.isEmpty() ? "" : ontology.name(clId);
    }
}
