package org.cytolabel.trainer.baseline;

import static org.cytolabel.core.onnx.OnnxOperator.DIV;
import static org.cytolabel.core.onnx.OnnxOperator.GATHER;
import static org.cytolabel.core.onnx.OnnxOperator.GEMM;
import static org.cytolabel.core.onnx.OnnxOperator.MIN;
import static org.cytolabel.core.onnx.OnnxOperator.SUB;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
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
 * A fitted CellTypist-style classifier: the selected genes (panel indices), their scaler, and the
 * multinomial logistic-regression weights {@code [classes][selected genes]}. Plain Java arrays, no
 * native memory. Exported as contract preprocessing, Gather of the selected genes, Sub, Div, Min
 * (the scaler with its upper clip), Gemm and Softmax.
 */
public final class CellTypistModel implements FittedModel {
    private final int panelGenes;
    private final int[] selected;
    private final GeneScaler scaler;
    private final float[] weight;
    private final float[] bias;
    private final List<String> genes;
    private final List<String> classNames;
    private final int bestEpoch;
    private final List<EpochReport> history;
    private final Map<String, String> hyperParameters;

    CellTypistModel(List<String> genes, List<String> classNames, int[] selected, GeneScaler scaler, float[] weight,
            float[] bias, int bestEpoch, List<EpochReport> history, Map<String, String> hyperParameters) {
        if (scaler.genes() != selected.length || weight.length != classNames.size() * selected.length
                || bias.length != classNames.size()) {
            throw new IllegalArgumentException("CellTypist model parts disagree: " + selected.length + " genes, scaler "
                    + scaler.genes() + ", weight " + weight.length + ", bias " + bias.length);
        }
        this.panelGenes = genes.size();
        this.genes = List.copyOf(genes);
        this.classNames = List.copyOf(classNames);
        this.selected = selected.clone();
        this.scaler = scaler;
        this.weight = weight.clone();
        this.bias = bias.clone();
        this.bestEpoch = bestEpoch;
        this.history = List.copyOf(history);
        this.hyperParameters = Map.copyOf(hyperParameters);
    }

    /** Panel indices of the genes the classifier uses, ascending. */
    public int[] selectedGenes() {
        return selected.clone();
    }

    public GeneScaler scaler() {
        return scaler;
    }

    /** Row-major {@code [classes][selected genes]}. */
    public float[] weight() {
        return weight.clone();
    }

    @Override
    public String kind() {
        return CellTypistFamily.KIND;
    }

    @Override
    public float[][] predictProbabilities(CsrMatrix counts) {
        if (counts.cols() != panelGenes) {
            throw CytoLabelException.invalid("the model expects " + panelGenes + " genes in its panel order, got "
                    + counts.cols() + " columns; align the cells to the model's gene panel first");
        }
        CsrMatrix selectedLog = FeatureSelection.columns(LogNormalized.of(counts), selected);
        ScaledCells cells = ScaledCells.of(selectedLog, scaler);
        return SoftmaxRegression.predict(cells, weight, bias, classNames.size());
    }

    @Override
    public byte[] exportOnnx(String modelName) {
        OnnxContext ctx = BaselineOnnx.context();
        OnnxRef counts = BaselineOnnx.countsInput(ctx, panelGenes);
        long[] indices = Arrays.stream(selected).asLongStream().toArray();
        long[] dims = {selected.length};
        OnnxRef x = Preprocessing.apply(counts)
                .apply(GATHER, List.of(ctx.longVector("selected_genes", indices)), Map.of("axis", 1))
                .apply(SUB, ctx.floatTensor("scaler_mean", dims, scaler.mean()))
                .apply(DIV, ctx.floatTensor("scaler_sd", dims, scaler.sd()))
                .apply(MIN, ctx.floatScalar("clip_max", GeneScaler.MAX_VALUE));
        int c = classNames.size();
        OnnxRef logits = x.apply(GEMM, List.of(ctx.floatTensor("lr_weight", new long[] {c, selected.length}, weight),
                ctx.floatTensor("lr_bias", new long[] {c}, bias)), Map.of("transB", 1));
        BaselineOnnx.softmaxOutputs(ctx, logits, c);
        return BaselineOnnx.build(ctx, modelName, kind()).toByteArray();
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
        return Map.of("selected_genes", Integer.toString(selected.length));
    }

    /** {@code celltypist_genes.tsv}: each selected gene with its coefficient per class. */
    @Override
    public Map<String, byte[]> attachments() {
        StringBuilder sb = new StringBuilder("gene");
        for (String name : classNames) {
            sb.append('\t').append(name);
        }
        sb.append('\n');
        for (int i = 0; i < selected.length; i++) {
            sb.append(genes.get(selected[i]));
            for (int c = 0; c < classNames.size(); c++) {
                sb.append('\t').append(String.format(Locale.ROOT, "%.6g", weight[c * selected.length + i]));
            }
            sb.append('\n');
        }
        Map<String, byte[]> out = new LinkedHashMap<>();
        out.put("celltypist_genes.tsv", sb.toString().getBytes(StandardCharsets.UTF_8));
        return out;
    }

    @Override
    public void close() {
        // plain arrays: nothing to release
    }
}
