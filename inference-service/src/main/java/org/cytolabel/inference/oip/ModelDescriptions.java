package org.cytolabel.inference.oip;

import java.util.Arrays;
import java.util.Map;
import org.cytolabel.inference.annotate.LoadedModel;
import org.cytolabel.inference.runtime.OrtModel;
import org.cytolabel.proto.oip.DataType;
import org.cytolabel.proto.oip.ModelConfig;
import org.cytolabel.proto.oip.ModelMetadataResponse;

/**
 * A loaded model version described in OIP terms: ModelMetadata (shapes with the batch dimension,
 * -1 where dynamic) and the Triton ModelConfig perf_analyzer reads (dims without the batch dimension).
 * The input is the raw-count tensor [N, G] with G the card's gene panel; every output is FP32.
 */
final class ModelDescriptions {
    static final String PLATFORM = "onnxruntime_onnx";
    static final String BACKEND = "onnxruntime";

    private ModelDescriptions() {
    }

    static ModelMetadataResponse metadata(LoadedModel loaded) {
        OrtModel model = loaded.model();
        ModelMetadataResponse.Builder b = ModelMetadataResponse.newBuilder()
                .setName(loaded.name())
                .addVersions(Integer.toString(loaded.version()))
                .setPlatform(PLATFORM);
        b.addInputsBuilder().setName(model.inputName()).setDatatype(CountsInput.DATATYPE)
                .addShape(-1).addShape(genes(loaded));
        for (Map.Entry<String, long[]> out : model.outputShapes().entrySet()) {
            var t = b.addOutputsBuilder().setName(out.getKey()).setDatatype(CountsInput.DATATYPE);
            for (long d : out.getValue()) {
                t.addShape(d);
            }
        }
        return b.build();
    }

    static ModelConfig config(LoadedModel loaded) {
        OrtModel model = loaded.model();
        int genes = genes(loaded);
        ModelConfig.Builder b = ModelConfig.newBuilder()
                .setName(loaded.name())
                .setPlatform(PLATFORM)
                .setBackend(BACKEND)
                .setMaxBatchSize(BatchLimits.maxCells(genes));
        b.addInputBuilder().setName(model.inputName()).setDataType(DataType.TYPE_FP32).addDims(genes);
        for (Map.Entry<String, long[]> out : model.outputShapes().entrySet()) {
            long[] shape = out.getValue();
            b.addOutputBuilder().setName(out.getKey()).setDataType(DataType.TYPE_FP32)
                    .addAllDims(Arrays.stream(shape).skip(1).boxed().toList());
        }
        return b.build();
    }

    private static int genes(LoadedModel loaded) {
        return loaded.card().getGenePanel().getSymbolsCount();
    }
}
