package org.cytolabel.inference.oip;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.inference.annotate.LoadedModel;
import org.cytolabel.inference.runtime.DenseBatch;
import org.cytolabel.inference.runtime.ModelOutputs;
import org.cytolabel.inference.runtime.OrtModel;
import org.cytolabel.proto.oip.ModelInferRequest;
import org.cytolabel.proto.oip.ModelInferResponse;

/**
 * Runs one ModelInfer request on a leased model version: validates and decodes the counts, scatters
 * them run by run into the compute thread's {@link DenseBatch} (as the Annotate path does), and
 * writes each requested output into the response as it comes, in the form the input came in.
 */
final class InferRunner {
    /** A response with what it cost: cells, ONNX Runtime runs and their time. */
    record Inference(ModelInferResponse response, int cells, int runs, long computeNanos) {
    }

    private InferRunner() {
    }

    static Inference run(LoadedModel loaded, ModelInferRequest request) {
        OrtModel model = loaded.model();
        String id = loaded.name() + ":" + loaded.version();
        int genes = loaded.card().getGenePanel().getSymbolsCount();
        if (genes > DenseBatch.CAPACITY) {
            throw CytoLabelException.integrity(id + " has " + genes + " genes; at most " + DenseBatch.CAPACITY
                    + " are supported");
        }
        CountsInput input = CountsInput.decode(request, id, model.inputName(), genes, BatchLimits.maxCells(genes));
        List<String> names = OutputSelection.of(request, model.outputNames(), id);
        CsrMatrix counts = input.counts();
        int cells = counts.rows();
        int batch = BatchLimits.rowsPerRun(genes);
        int[] identity = new int[genes];
        Arrays.setAll(identity, g -> g);
        Map<String, OutputTensor> tensors = new LinkedHashMap<>();
        DenseBatch dense = DenseBatch.forThisThread();
        long start = System.nanoTime();
        int runs = 0;
        for (int from = 0; from < cells; from += batch) {
            int rows = Math.min(batch, cells - from);
            ModelOutputs result;
            try {
                dense.scatter(counts, from, rows, identity, genes);
                result = model.run(dense, rows, genes, new LinkedHashSet<>(names));
            } finally {
                dense.clear();
            }
            runs++;
            for (String name : names) {
                float[] values = result.get(name);
                long[] shape = result.shapes().get(name);
                if (shape.length == 0 || shape[0] != rows || values.length != (long) rows * result.width(name)) {
                    throw CytoLabelException.integrity(id + " output '" + name + "' has shape "
                            + Arrays.toString(shape) + " for " + rows + " cells; only per-cell outputs can be served");
                }
                tensors.computeIfAbsent(name, k -> {
                    long[] full = shape.clone();
                    full[0] = cells;
                    return new OutputTensor(k, full, input.raw());
                }).append(values);
            }
        }
        long compute = System.nanoTime() - start;
        ModelInferResponse.Builder response = ModelInferResponse.newBuilder()
                .setModelName(loaded.name())
                .setModelVersion(Integer.toString(loaded.version()))
                .setId(request.getId());
        names.forEach(name -> tensors.get(name).addTo(response));
        return new Inference(response.build(), cells, runs, compute);
    }
}
