package org.cytolabel.trainer.baseline;

import static org.cytolabel.core.onnx.OnnxOperator.CAST;
import static org.cytolabel.core.onnx.OnnxOperator.GEMM;
import static org.cytolabel.core.onnx.OnnxOperator.IDENTITY;

import ai.onnx.proto.OnnxMl;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.onnx.OnnxContext;
import org.cytolabel.core.onnx.OnnxRef;
import org.cytolabel.core.onnx.Preprocessing;
import org.cytolabel.trainer.model.FittedModel;
import org.cytolabel.trainer.train.EpochReport;

/**
 * A fitted PCA + XGBoost classifier, held as plain arrays (the booster is released after
 * training). Exported as contract preprocessing, Cast to double, Gemm with the PCA loadings and
 * bias, Cast to float, an {@code ai.onnx.ml} TreeEnsembleRegressor giving one margin per class,
 * Softmax. The PCA runs in double on both sides so the features the trees compare agree to the
 * last float bit, and a tree never takes the other branch in ONNX Runtime.
 */
public final class XgboostModel implements FittedModel {
    private static final int DOUBLE = OnnxMl.TensorProto.DataType.DOUBLE.getNumber();
    private static final int FLOAT = OnnxMl.TensorProto.DataType.FLOAT.getNumber();

    private final int panelGenes;
    private final Pca pca;
    private final TreeEnsemble trees;
    private final int bestEpoch;
    private final List<EpochReport> history;
    private final Map<String, String> hyperParameters;

    XgboostModel(int panelGenes, Pca pca, TreeEnsemble trees, int bestEpoch, List<EpochReport> history,
            Map<String, String> hyperParameters) {
        this.panelGenes = panelGenes;
        this.pca = pca;
        this.trees = trees;
        this.bestEpoch = bestEpoch;
        this.history = List.copyOf(history);
        this.hyperParameters = Map.copyOf(hyperParameters);
    }

    public Pca pca() {
        return pca;
    }

    public TreeEnsemble trees() {
        return trees;
    }

    @Override
    public String kind() {
        return XgboostFamily.KIND;
    }

    /** The PCA features of raw counts, {@code [cells][n_components]}, as the trees see them. */
    public float[][] features(CsrMatrix counts) {
        if (counts.cols() != panelGenes) {
            throw CytoLabelException.invalid("the model expects " + panelGenes + " genes in its panel order, got "
                    + counts.cols() + " columns; align the cells to the model's gene panel first");
        }
        return pca.project(LogNormalized.of(counts));
    }

    @Override
    public float[][] predictProbabilities(CsrMatrix counts) {
        float[][] x = features(counts);
        float[][] out = new float[x.length][];
        double[] z = new double[trees.classes()];
        for (int i = 0; i < x.length; i++) {
            float[] m = trees.margins(x[i]);
            for (int c = 0; c < z.length; c++) {
                z[c] = m[c];
            }
            SoftmaxRegression.softmaxInPlace(z);
            out[i] = new float[z.length];
            for (int c = 0; c < z.length; c++) {
                out[i][c] = (float) z[c];
            }
        }
        return out;
    }

    @Override
    public byte[] exportOnnx(String modelName) {
        OnnxContext ctx = BaselineOnnx.context();
        OnnxRef counts = BaselineOnnx.countsInput(ctx, panelGenes);
        OnnxRef loadings = ctx.floatTensor("pca_components", new long[] {panelGenes, pca.k()}, pca.components())
                .apply(CAST, Map.of("to", DOUBLE));
        OnnxRef bias = ctx.floatTensor("pca_bias", new long[] {pca.k()}, pca.bias()).apply(CAST, Map.of("to", DOUBLE));
        OnnxRef features = Preprocessing.apply(counts).apply(CAST, Map.of("to", DOUBLE))
                .apply(GEMM, List.of(loadings, bias), Map.of())
                .apply(CAST, Map.of("to", FLOAT));
        OnnxRef margins = features.apply(IDENTITY); // replaced by the tree ensemble below
        BaselineOnnx.softmaxOutputs(ctx, margins, trees.classes());
        OnnxMl.ModelProto model = BaselineOnnx.build(ctx, modelName, kind());
        return TreeEnsembleOnnx.replacePlaceholder(model, margins.name(), trees).toByteArray();
    }

    @Override
    public int bestEpoch() {
        return bestEpoch;
    }

    @Override
    public List<EpochReport> history() {
        return history;
    }

    @Override
    public Map<String, String> hyperParameters() {
        return hyperParameters;
    }

    @Override
    public Map<String, String> notes() {
        double explained = 0;
        for (double v : pca.variance()) {
            explained += v;
        }
        return Map.of("trees", Integer.toString(trees.trees().size()),
                "pca_variance", String.format(Locale.ROOT, "%.4g", explained));
    }

    @Override
    public void close() {
        // plain arrays: nothing to release
    }
}
