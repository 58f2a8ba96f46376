package org.cytolabel.trainer.sctab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.onnx.ArtifactContract;
import org.cytolabel.trainer.model.FittedModel;
import org.cytolabel.trainer.train.EpochReport;

/**
 * A trained scTab model: one TabNet or a deep ensemble of them. Probabilities are the members'
 * mean, the mask their mean mask; the export is one ONNX graph holding every member.
 */
public final class ScTabModel implements FittedModel {
    /** Largest |difference| allowed between the DJL and ONNX masks. */
    public static final double MASK_TOLERANCE = 1e-5;

    private final List<ScTabMember> members;
    private final ScTabConfig config;
    private final Map<String, String> notes;
    private boolean closed;

    ScTabModel(List<ScTabMember> members, ScTabConfig config, Map<String, String> notes) {
        this.members = List.copyOf(members);
        this.config = config;
        this.notes = Map.copyOf(notes);
    }

    @Override
    public String kind() {
        return ScTabFamily.KIND;
    }

    /** Ensemble size. */
    public int members() {
        return members.size();
    }

    /** Mean probabilities and mean mask over the members (the export's outputs). */
    public synchronized ScTabPrediction predict(CsrMatrix counts) {
        if (closed) {
            throw new IllegalStateException("this scTab model has been closed");
        }
        int genes = members.get(0).weights().genes();
        if (counts.cols() != genes) {
            throw CytoLabelException.invalid("the model takes " + genes + " genes in its panel order, got a matrix with "
                    + counts.cols() + " columns");
        }
        float[][] probs = null;
        float[][] masks = null;
        for (ScTabMember m : members) {
            ScTabPrediction p = m.predict(counts);
            if (probs == null) {
                probs = p.probabilities();
                masks = p.masks();
            } else {
                add(probs, p.probabilities());
                add(masks, p.masks());
            }
        }
        if (members.size() > 1) {
            scale(probs, members.size());
            scale(masks, members.size());
        }
        return new ScTabPrediction(probs, masks);
    }

    /** Each member's probabilities, {@code [member][cell][class]}. */
    public synchronized float[][][] memberProbabilities(CsrMatrix counts) {
        float[][][] out = new float[members.size()][][];
        for (int m = 0; m < members.size(); m++) {
            out[m] = members.get(m).predict(counts).probabilities();
        }
        return out;
    }

    @Override
    public float[][] predictProbabilities(CsrMatrix counts) {
        return predict(counts).probabilities();
    }

    @Override
    public Map<String, float[][]> auxiliaryOutputs(CsrMatrix counts) {
        return Map.of(ArtifactContract.OUTPUT_MASK, predict(counts).masks());
    }

    @Override
    public double auxiliaryTolerance(String output) {
        return ArtifactContract.OUTPUT_MASK.equals(output) ? MASK_TOLERANCE : FittedModel.super.auxiliaryTolerance(output);
    }

    @Override
    public byte[] exportOnnx(String modelName) {
        return exportOnnx(modelName, config.entmax());
    }

    /** The export with a chosen entmax method (the configured one by default). */
    public byte[] exportOnnx(String modelName, Entmax15.Method method) {
        List<TabNetWeights> w = new ArrayList<>();
        members.forEach(m -> w.add(m.weights()));
        return ScTabExporter.export(w, method, modelName);
    }

    @Override
    public int bestEpoch() {
        return members.get(0).bestEpoch();
    }

    @Override
    public List<EpochReport> history() {
        List<EpochReport> all = new ArrayList<>();
        members.forEach(m -> all.addAll(m.history()));
        return all;
    }

    @Override
    public Map<String, String> hyperParameters() {
        return config.asMap();
    }

    @Override
    public Map<String, String> notes() {
        Map<String, String> n = new LinkedHashMap<>(notes);
        n.put("member_best_epochs", members.stream().map(m -> Integer.toString(m.bestEpoch())).toList().toString());
        return n;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            members.forEach(ScTabMember::close);
        }
    }

    private static void add(float[][] acc, float[][] x) {
        for (int i = 0; i < acc.length; i++) {
            for (int j = 0; j < acc[i].length; j++) {
                acc[i][j] += x[i][j];
            }
        }
    }

    private static void scale(float[][] acc, int n) {
        for (float[] row : acc) {
            for (int j = 0; j < row.length; j++) {
                row[j] /= n;
            }
        }
    }
}
