package org.cytolabel.trainer.baseline;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a {@link TreeEnsemble} as an {@code ai.onnx.ml} {@code TreeEnsembleRegressor} (opset 3,
 * one target per class, {@code BRANCH_LT}, aggregate SUM, the base score as every target's base
 * value, no post transform). The core graph builder only knows the default domain, so the graph is
 * built with an Identity node standing where the trees go; {@link #replacePlaceholder} swaps that
 * node for the tree node and adds the {@code ai.onnx.ml} opset import.
 */
public final class TreeEnsembleOnnx {
    public static final String DOMAIN = "ai.onnx.ml";
    public static final int ML_OPSET = 3;

    private TreeEnsembleOnnx() {
    }

    /**
     * {@code model} with the node that outputs {@code placeholderOutput} (the Identity standing in
     * for the trees) replaced by the ensemble, reading the same input.
     */
    public static OnnxMl.ModelProto replacePlaceholder(OnnxMl.ModelProto model, String placeholderOutput,
            TreeEnsemble ensemble) {
        OnnxMl.GraphProto.Builder graph = model.getGraph().toBuilder();
        int found = -1;
        for (int i = 0; i < graph.getNodeCount(); i++) {
            OnnxMl.NodeProto n = graph.getNode(i);
            if (n.getOutputCount() == 1 && n.getOutput(0).equals(placeholderOutput)) {
                if (!n.getOpType().equals("Identity")) {
                    throw new IllegalArgumentException(placeholderOutput + " comes from " + n.getOpType()
                            + ", not the Identity placeholder");
                }
                found = i;
            }
        }
        if (found < 0) {
            throw new IllegalArgumentException("no node outputs " + placeholderOutput);
        }
        OnnxMl.NodeProto placeholder = graph.getNode(found);
        graph.setNode(found, node(ensemble, placeholder.getInput(0), placeholderOutput));
        return model.toBuilder()
                .setGraph(graph)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain(DOMAIN).setVersion(ML_OPSET))
                .build();
    }

    static OnnxMl.NodeProto node(TreeEnsemble ensemble, String input, String output) {
        List<Long> treeIds = new ArrayList<>();
        List<Long> nodeIds = new ArrayList<>();
        List<Long> featureIds = new ArrayList<>();
        List<Float> values = new ArrayList<>();
        List<ByteString> modes = new ArrayList<>();
        List<Long> trueIds = new ArrayList<>();
        List<Long> falseIds = new ArrayList<>();
        List<Long> missingTrue = new ArrayList<>();
        List<Long> targetTree = new ArrayList<>();
        List<Long> targetNode = new ArrayList<>();
        List<Long> targetId = new ArrayList<>();
        List<Float> targetWeight = new ArrayList<>();
        ByteString branch = ByteString.copyFromUtf8("BRANCH_LT");
        ByteString leaf = ByteString.copyFromUtf8("LEAF");
        List<TreeEnsemble.Tree> trees = ensemble.trees();
        for (int t = 0; t < trees.size(); t++) {
            TreeEnsemble.Tree tree = trees.get(t);
            for (int i = 0; i < tree.left().length; i++) {
                treeIds.add((long) t);
                nodeIds.add((long) i);
                if (tree.isLeaf(i)) {
                    featureIds.add(0L);
                    values.add(0f);
                    modes.add(leaf);
                    trueIds.add(0L);
                    falseIds.add(0L);
                    missingTrue.add(0L);
                    targetTree.add((long) t);
                    targetNode.add((long) i);
                    targetId.add((long) tree.target());
                    targetWeight.add(tree.condition()[i]);
                } else {
                    featureIds.add((long) tree.feature()[i]);
                    values.add(tree.condition()[i]);
                    modes.add(branch);
                    trueIds.add((long) tree.left()[i]);
                    falseIds.add((long) tree.right()[i]);
                    missingTrue.add(tree.defaultLeft()[i] ? 1L : 0L);
                }
            }
        }
        List<Float> base = new ArrayList<>();
        for (int c = 0; c < ensemble.classes(); c++) {
            base.add(ensemble.baseScore());
        }
        return OnnxMl.NodeProto.newBuilder()
                .setOpType("TreeEnsembleRegressor")
                .setDomain(DOMAIN)
                .setName("xgboost_trees")
                .addInput(input)
                .addOutput(output)
                .addAttribute(string("aggregate_function", "SUM"))
                .addAttribute(floats("base_values", base))
                .addAttribute(ints("n_targets", null, ensemble.classes()))
                .addAttribute(ints("nodes_falsenodeids", falseIds, 0))
                .addAttribute(ints("nodes_featureids", featureIds, 0))
                .addAttribute(ints("nodes_missing_value_tracks_true", missingTrue, 0))
                .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("nodes_modes")
                        .setType(OnnxMl.AttributeProto.AttributeType.STRINGS).addAllStrings(modes))
                .addAttribute(ints("nodes_nodeids", nodeIds, 0))
                .addAttribute(ints("nodes_treeids", treeIds, 0))
                .addAttribute(ints("nodes_truenodeids", trueIds, 0))
                .addAttribute(floats("nodes_values", values))
                .addAttribute(string("post_transform", "NONE"))
                .addAttribute(ints("target_ids", targetId, 0))
                .addAttribute(ints("target_nodeids", targetNode, 0))
                .addAttribute(ints("target_treeids", targetTree, 0))
                .addAttribute(floats("target_weights", targetWeight))
                .build();
    }

    private static OnnxMl.AttributeProto string(String name, String value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(value)).build();
    }

    /** An INTS attribute from {@code values}, or an INT attribute {@code single} when values is null. */
    private static OnnxMl.AttributeProto ints(String name, List<Long> values, long single) {
        OnnxMl.AttributeProto.Builder a = OnnxMl.AttributeProto.newBuilder().setName(name);
        if (values == null) {
            return a.setType(OnnxMl.AttributeProto.AttributeType.INT).setI(single).build();
        }
        return a.setType(OnnxMl.AttributeProto.AttributeType.INTS).addAllInts(values).build();
    }

    private static OnnxMl.AttributeProto floats(String name, List<Float> values) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.FLOATS)
                .addAllFloats(values).build();
    }
}
