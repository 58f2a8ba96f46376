package org.cytolabel.trainer.pretrain.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.dtree.CARTClassificationTrainer;
import org.tribuo.classification.ensemble.VotingCombiner;
import org.tribuo.classification.liblinear.LibLinearClassificationTrainer;
import org.tribuo.classification.liblinear.LinearClassificationType;
import org.tribuo.classification.libsvm.LibSVMClassificationTrainer;
import org.tribuo.classification.libsvm.SVMClassificationType;
import org.tribuo.common.libsvm.KernelType;
import org.tribuo.common.libsvm.SVMParameters;
import org.tribuo.common.tree.RandomForestTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * The paper's conventional classifiers on cell features (embeddings or principal components), from
 * Tribuo: L2 logistic regression (liblinear, C = 1), RBF SVM (libsvm, C = 1, gamma = 1 / (d var(X)),
 * sklearn's "scale") and a random forest (100 CART trees, sqrt(d) features per split, voting).
 */
final class ConventionalClassifiers {
    static final List<String> NAMES = List.of("LR", "RF", "SVM");

    private ConventionalClassifiers() {
    }

    /** Predicted class ids of {@code test} for the classifier called {@code name}. */
    static int[] fitPredict(String name, float[][] train, int[] labels, float[][] test, long seed) {
        LabelFactory factory = new LabelFactory();
        String[] features = new String[train[0].length];
        for (int j = 0; j < features.length; j++) {
            features[j] = String.format(Locale.ROOT, "f%04d", j);
        }
        MutableDataset<Label> data = new MutableDataset<>(new SimpleDataSourceProvenance("cells", factory), factory);
        for (int i = 0; i < train.length; i++) {
            data.add(new ArrayExample<>(new Label(Integer.toString(labels[i])), features, toDouble(train[i])));
        }
        Trainer<Label> trainer = switch (name) {
            case "LR" -> new LibLinearClassificationTrainer(
                    new LinearClassificationType(LinearClassificationType.LinearType.L2R_LR), 1.0, 1000, 0.01);
            case "SVM" -> {
                SVMParameters<Label> p = new SVMParameters<>(new SVMClassificationType(
                        SVMClassificationType.SVMMode.C_SVC), KernelType.RBF);
                p.setGamma(1.0 / (features.length * variance(train)));
                p.setCost(1.0);
                yield new LibSVMClassificationTrainer(p);
            }
            case "RF" -> new RandomForestTrainer<>(new CARTClassificationTrainer(Integer.MAX_VALUE,
                    (float) (Math.sqrt(features.length) / features.length), seed), new VotingCombiner(), 100);
            default -> throw new IllegalArgumentException("unknown classifier " + name);
        };
        Model<Label> model = trainer.train(data);
        List<Example<Label>> examples = new ArrayList<>();
        for (float[] row : test) {
            examples.add(new ArrayExample<>(LabelFactory.UNKNOWN_LABEL, features, toDouble(row)));
        }
        List<Prediction<Label>> predictions = model.predict(examples);
        int[] out = new int[test.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Integer.parseInt(predictions.get(i).getOutput().getLabel());
        }
        return out;
    }

    private static double variance(float[][] x) {
        double sum = 0;
        double sq = 0;
        long n = 0;
        for (float[] row : x) {
            for (float v : row) {
                sum += v;
                sq += (double) v * v;
                n++;
            }
        }
        double mean = sum / n;
        return Math.max(sq / n - mean * mean, 1e-12);
    }

    private static double[] toDouble(float[] row) {
        double[] d = new double[row.length];
        for (int j = 0; j < d.length; j++) {
            d[j] = row[j];
        }
        return d;
    }
}
