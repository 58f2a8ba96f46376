package org.cytolabel.inference.oip;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.proto.oip.ModelInferRequest;

/** The outputs a ModelInfer request asks for: every output of the model when it names none. */
final class OutputSelection {
    private OutputSelection() {
    }

    /** The requested output names in request order (duplicates once), checked against {@code available}. */
    static List<String> of(ModelInferRequest request, Set<String> available, String model) {
        if (request.getOutputsCount() == 0) {
            return List.copyOf(available);
        }
        Set<String> names = new LinkedHashSet<>();
        for (var out : request.getOutputsList()) {
            if (!available.contains(out.getName())) {
                throw CytoLabelException.invalid(model + " has no output '" + out.getName() + "'; its outputs are "
                        + available + " (request some of them, or none for all)");
            }
            names.add(out.getName());
        }
        return new ArrayList<>(names);
    }
}
