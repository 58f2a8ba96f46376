package org.cytolabel.trainer.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cytolabel.trainer.model.EngineLock;
import org.cytolabel.trainer.model.HyperParameters;
import org.junit.jupiter.api.Test;

/** The GCN residual against hand-computed small cases. */
class GcnLayerTest {

    private static GeneGraphConfig config(String mode, String nodeDim) {
        Map<String, String> o = new HashMap<>(Map.of("graph_mode", mode, "node_dim", nodeDim, "key_dim", "2"));
        return GeneGraphConfig.from("gcn", HyperParameters.of("gcn", GeneGraphConfig.defaults("gcn"), o));
    }

    @Test
    void priorGraphResidualMatchesHandComputation() {
        // A (max-normalised, unit diagonal) = [[1, .5, 0], [.5, 1, 1], [0, 1, 1]]
        GeneGraph g = GeneGraph.fromEdges(3, new int[] {0, 1}, new int[] {1, 2}, new float[] {2, 4}, new int[0],
                new float[0], GeneGraph.Diagonal.UNIT, GeneGraph.Normalization.MAX);
        GeneGraphNetwork net = new GeneGraphNetwork(config("prior", "2"), 3, new int[] {0, 1, 2}, 2,
                NeighbourBuckets.of(g), null);
        try (Model model = Model.newInstance("t", Device.cpu(), EngineLock.ENGINE)) {
            model.setBlock(net);
            NDManager m = model.getNDManager();
            net.initialize(m, DataType.FLOAT32, new Shape(2, 3));
            net.embedding.getArray().set(new float[] {1, 0, 0, 1, 1, 1});
            net.nodeBias.getArray().set(new float[] {0, 0, 0.5f, 0, 0, 0});
            net.gcnWeight.getArray().set(new float[] {1, -1, 0, 1});
            net.poolWeight.getArray().set(new float[] {1, 2});
            net.poolBias.getArray().set(new float[] {0.1f});
            NDArray x = m.create(new float[] {2, 1, 3, 0, 0, 0}, new Shape(2, 3));
            float[] p = net.graphResidual(new ParameterStore(m, false), x, false).toFloatArray();
            // cell 1: Z = [2,0], [.5,1], [3,3]; AZ = [2.25,.5], [4.5,4], [3.5,4];
            // ReLU(AZ W) = [2.25,0], [4.5,0], [3.5,.5]; p = H u + .1
            // cell 2: Z = b; AZ = [.25,0], [.5,0], [.5,0]; p = a + .1
            float[] expected = {2.35f, 4.6f, 4.6f, 0.35f, 0.6f, 0.6f};
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], p[i], 1e-5, "residual " + i);
            }
        }
    }

    @Test
    void learnedGraphResidualMatchesSoftmaxAttention() {
        int genes = 3;
        int d = 1;
        GeneGraphNetwork net = new GeneGraphNetwork(config("learned", "1"), genes, new int[] {0, 1, 2}, 2, null,
                new int[] {0, 2}); // nodes: genes 0 and 2; gene 1 gets no learned message
        try (Model model = Model.newInstance("t", Device.cpu(), EngineLock.ENGINE)) {
            model.setBlock(net);
            NDManager m = model.getNDManager();
            net.initialize(m, DataType.FLOAT32, new Shape(1, genes));
            net.embedding.getArray().set(new float[] {1, 5, 2});
            net.nodeBias.getArray().set(new float[] {0, 0, 0.5f});
            net.gcnWeight.getArray().set(new float[] {2});
            net.poolWeight.getArray().set(new float[] {1});
            net.poolBias.getArray().set(new float[] {0});
            net.theta.getArray().set(new float[] {1, 0.5f});
            net.phi.getArray().set(new float[] {0.25f, -1});
            float[] xs = {1.5f, 7f, 1f};
            NDArray x = m.create(xs, new Shape(1, genes));
            float[] p = net.graphResidual(new ParameterStore(m, false), x, false).toFloatArray();
            // hand computation: z_0 = 1.5 * 1 = 1.5, z_2 = 1 * 2 + .5 = 2.5 (d = 1)
            double[] z = {1.5, 2.5};
            double[] th = {z[0] * 1, z[0] * 0.5, z[1] * 1, z[1] * 0.5};
            double[] ph = {z[0] * 0.25, z[0] * -1, z[1] * 0.25, z[1] * -1};
            double[] out = new double[2];
            for (int i = 0; i < 2; i++) {
                double[] s = new double[2];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < 2; j++) {
                    s[j] = (th[2 * i] * ph[2 * j] + th[2 * i + 1] * ph[2 * j + 1]) / Math.sqrt(2);
                    max = Math.max(max, s[j]);
                }
                double den = Math.exp(s[0] - max) + Math.exp(s[1] - max);
                double msg = (Math.exp(s[0] - max) * z[0] + Math.exp(s[1] - max) * z[1]) / den;
                out[i] = Math.max(0, msg * 2) * 1;
            }
            assertEquals(out[0], p[0], 1e-5);
            assertEquals(0.0, p[1], 0); // not a learned-graph node: ReLU(0 * W) u + 0
            assertEquals(out[1], p[2], 1e-5);
            assertEquals(List.of(3), List.of(p.length));
            assertEquals(1, d);
        }
    }
}
