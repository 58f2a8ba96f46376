package org.cytolabel.core.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnx.proto.OnnxMl;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Structure of the preprocessing fragment; its numbers are checked through ORT in trainer-service. */
class PreprocessingTest {

    @Test
    void fragmentIsSizeFactorThenLog1p() throws Exception {
        OnnxMl.ModelProto m = OnnxMl.ModelProto.parseFrom(Preprocessing.standaloneModel(5));
        OnnxMl.GraphProto g = m.getGraph();
        assertEquals(List.of("ReduceSum", "Max", "Div", "Mul", "Add", "Log", "Identity"),
                g.getNodeList().stream().map(OnnxMl.NodeProto::getOpType).toList());
        assertEquals(ArtifactContract.INPUT_COUNTS, g.getInput(0).getName());
        assertEquals("N", g.getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam());
        assertEquals(5, g.getInput(0).getType().getTensorType().getShape().getDim(1).getDimValue());

        Map<String, OnnxMl.TensorProto> init = new HashMap<>();
        g.getInitializerList().forEach(t -> init.put(t.getName(), t));
        OnnxMl.NodeProto sum = g.getNode(0);
        assertEquals(ArtifactContract.INPUT_COUNTS, sum.getInput(0));
        assertEquals(1L, ByteBuffer.wrap(init.get(sum.getInput(1)).getRawData().toByteArray())
                .order(ByteOrder.LITTLE_ENDIAN).getLong());
        assertEquals("keepdims", sum.getAttribute(0).getName());
        assertEquals(1, sum.getAttribute(0).getI());
        assertEquals(1f, scalar(init, g.getNode(1).getInput(1)));
        assertEquals(ArtifactContract.INPUT_COUNTS, g.getNode(2).getInput(0));
        assertEquals(g.getNode(1).getOutput(0), g.getNode(2).getInput(1));
        assertEquals(ArtifactContract.TARGET_SUM, scalar(init, g.getNode(3).getInput(1)));
        assertEquals(1f, scalar(init, g.getNode(4).getInput(1)));
        assertEquals(ArtifactContract.PREPROCESSING, m.getMetadataProps(0).getValue());
    }

    private static float scalar(Map<String, OnnxMl.TensorProto> init, String name) {
        OnnxMl.TensorProto t = init.get(name);
        assertEquals(0, t.getDimsCount());
        return ByteBuffer.wrap(t.getRawData().toByteArray()).order(ByteOrder.LITTLE_ENDIAN).getFloat();
    }
}
