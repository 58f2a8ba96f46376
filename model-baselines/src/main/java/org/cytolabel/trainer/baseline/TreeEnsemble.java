package org.cytolabel.trainer.baseline;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;

/**
 * The trees of an XGBoost {@code multi:softprob} model, read from its JSON model
 * ({@code Booster.toByteArray("json")}): per tree the children, split feature, split condition
 * (the leaf value on leaves) and default direction, and the class the tree adds to. A cell goes
 * left when {@code x < condition} in float32 (XGBoost's rule), to its default side when {@code x}
 * is NaN; its margin for class c is {@code baseScore + sum of its leaves in c's trees}.
 */
public final class TreeEnsemble {

    /** One tree; node 0 is the root, {@code left[i] == -1} marks a leaf. */
    public record Tree(int[] left, int[] right, int[] feature, float[] condition, boolean[] defaultLeft, int target) {

        boolean isLeaf(int node) {
            return left[node] < 0;
        }

        /** The leaf value this cell reaches. */
        float leaf(float[] x) {
            int node = 0;
            while (!isLeaf(node)) {
                float v = x[feature[node]];
                boolean goLeft = Float.isNaN(v) ? defaultLeft[node] : v < condition[node];
                node = goLeft ? left[node] : right[node];
            }
            return condition[node];
        }
    }

    private final List<Tree> trees;
    private final int classes;
    private final int features;
    private final float baseScore;

    public TreeEnsemble(List<Tree> trees, int classes, int features, float baseScore) {
        this.trees = List.copyOf(trees);
        this.classes = classes;
        this.features = features;
        this.baseScore = baseScore;
    }

    /**
     * Parses an XGBoost JSON model and keeps the trees of the first {@code rounds} boosting rounds
     * (all when {@code rounds} is at least the model's).
     */
    public static TreeEnsemble fromJson(byte[] json, int rounds) {
        try {
            ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
            JsonNode learner = mapper.readTree(json).path("learner");
            JsonNode param = learner.path("learner_model_param");
            int classes = Math.max(1, Integer.parseInt(param.path("num_class").asText("0")));
            int features = Integer.parseInt(param.path("num_feature").asText("0"));
            float base = Float.parseFloat(param.path("base_score").asText("0.5"));
            JsonNode model = learner.path("gradient_booster").path("model");
            JsonNode treeInfo = model.path("tree_info");
            JsonNode indptr = model.path("iteration_indptr");
            int total = model.path("trees").size();
            int keep = indptr.isArray() && indptr.size() > 0
                    ? indptr.get(Math.min(rounds, indptr.size() - 1)).asInt() : Math.min(total, rounds * classes);
            List<Tree> trees = new ArrayList<>(keep);
            for (int t = 0; t < keep; t++) {
                JsonNode tree = model.path("trees").get(t);
                trees.add(new Tree(ints(tree.path("left_children")), ints(tree.path("right_children")),
                        ints(tree.path("split_indices")), floats(tree.path("split_conditions")),
                        bools(tree.path("default_left")), treeInfo.get(t).asInt()));
            }
            return new TreeEnsemble(trees, classes, features, base);
        } catch (IOException | RuntimeException e) {
            throw new CytoLabelException(ErrorKind.INTERNAL, "cannot read the XGBoost JSON model: " + e.getMessage(), e);
        }
    }

    public List<Tree> trees() {
        return trees;
    }

    public int classes() {
        return classes;
    }

    public int features() {
        return features;
    }

    public float baseScore() {
        return baseScore;
    }

    /** Margins {@code [classes]} of one cell's features (the logits softmax turns into probabilities). */
    public float[] margins(float[] x) {
        double[] sum = new double[classes];
        for (Tree t : trees) {
            sum[t.target()] += t.leaf(x);
        }
        float[] out = new float[classes];
        for (int c = 0; c < classes; c++) {
            out[c] = (float) (sum[c] + baseScore);
        }
        return out;
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    private static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Float.parseFloat(array.get(i).decimalValue().toString()); // exact float32, no double rounding
        }
        return out;
    }

    private static boolean[] bools(JsonNode array) {
        boolean[] out = new boolean[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt() != 0;
        }
        return out;
    }
}
