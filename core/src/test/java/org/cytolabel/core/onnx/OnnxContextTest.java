package org.cytolabel.core.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OnnxContextTest {

    @Test
    void namesAreUniqueAndNumbered() {
        OnnxContext ctx = new OnnxContext();
        assertEquals("w", ctx.uniqueName("w"));
        assertEquals("w_1", ctx.uniqueName("w"));
        assertEquals("w_2", ctx.uniqueName("w"));
        OnnxRef a = ctx.floatScalar("c", 1f);
        OnnxRef b = ctx.floatScalar("c", 2f);
        assertEquals("c", a.name());
        assertEquals("c_1", b.name());
    }

    @Test
    void inputAndOutputNamesAreExact() {
        OnnxContext ctx = new OnnxContext();
        ctx.floatInput("counts", "N", 3);
        assertThrows(IllegalArgumentException.class, () -> ctx.floatInput("counts", "N", 3));
    }

    @Test
    void refusesValuesOfAnotherGraph() {
        OnnxContext one = new OnnxContext();
        OnnxContext two = new OnnxContext();
        OnnxRef x = one.floatInput("x", "N", 2);
        OnnxRef y = two.floatScalar("y", 1f);
        var e = assertThrows(IllegalArgumentException.class, () -> x.apply(OnnxOperator.ADD, y));
        assertTrue(e.getMessage().contains("another graph"), e.getMessage());
    }

    @Test
    void checksArityAndAttributeNames() {
        OnnxContext ctx = new OnnxContext();
        OnnxRef x = ctx.floatInput("x", "N", 2);
        assertThrows(IllegalArgumentException.class, () -> x.apply(OnnxOperator.ADD));
        var e = assertThrows(IllegalArgumentException.class,
                () -> x.apply(OnnxOperator.SOFTMAX, Map.of("axes", 1)));
        assertTrue(e.getMessage().contains("Softmax has no attribute 'axes'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> x.apply(OnnxOperator.TOP_K,
                ctx.longVector("k", 1)));
    }

    @Test
    void everyOperatorIsPinnedAtOrBelowTheOpset() {
        for (OnnxOperator op : OnnxOperator.values()) {
            assertTrue(op.sinceVersion() <= ArtifactContract.OPSET, op.opName());
        }
    }

    @Test
    void buildModelWritesHeaderMetadataAndNodes() throws Exception {
        OnnxContext ctx = new OnnxContext();
        OnnxRef x = ctx.floatInput("x", "N", 2);
        OnnxRef y = ctx.floatOutput("y", "N", 2);
        OnnxRef w = ctx.floatTensor("w", new long[] {2, 2}, new float[] {1, 2, 3, 4});
        x.apply(OnnxOperator.GEMM, List.of(w), Map.of("transB", 1)).apply(OnnxOperator.RELU).assignTo(y);

        OnnxMl.ModelProto m = OnnxMl.ModelProto.parseFrom(
                ctx.buildModel("g", "0.1", Map.of("b", "2", "a", "1")).toByteArray());
        assertEquals(ArtifactContract.IR_VERSION, m.getIrVersion());
        assertEquals(OnnxContext.PRODUCER, m.getProducerName());
        assertEquals("0.1", m.getProducerVersion());
        assertEquals(1, m.getOpsetImportCount());
        assertEquals("", m.getOpsetImport(0).getDomain());
        assertEquals(ArtifactContract.OPSET, m.getOpsetImport(0).getVersion());
        assertEquals(List.of("a", "b"), m.getMetadataPropsList().stream().map(p -> p.getKey()).toList());

        OnnxMl.GraphProto g = m.getGraph();
        assertEquals("g", g.getName());
        assertEquals(List.of("Gemm", "Relu", "Identity"),
                g.getNodeList().stream().map(OnnxMl.NodeProto::getOpType).toList());
        assertEquals(List.of("x", "w"), g.getNode(0).getInputList());
        assertEquals(1, g.getNode(0).getAttribute(0).getI());
        assertEquals("transB", g.getNode(0).getAttribute(0).getName());
        assertEquals(List.of("y"), g.getNode(2).getOutputList());
        assertEquals("N", g.getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam());
        assertEquals(2, g.getInput(0).getType().getTensorType().getShape().getDim(1).getDimValue());

        OnnxMl.TensorProto t = g.getInitializer(0);
        assertEquals(List.of(2L, 2L), t.getDimsList());
        float[] back = new float[4];
        ByteBuffer.wrap(t.getRawData().toByteArray()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(back);
        assertArrayEquals(new float[] {1, 2, 3, 4}, back);
    }

    @Test
    void unassignedOrTwiceAssignedOutputsAreRefused() {
        OnnxContext ctx = new OnnxContext();
        OnnxRef x = ctx.floatInput("x", "N", 2);
        OnnxRef y = ctx.floatOutput("y", "N", 2);
        assertThrows(IllegalStateException.class, () -> ctx.buildModel("g", "1", Map.of()));
        x.assignTo(y);
        assertThrows(IllegalArgumentException.class, () -> x.assignTo(y));
        assertThrows(IllegalArgumentException.class, () -> x.assignTo(x));
    }
}
