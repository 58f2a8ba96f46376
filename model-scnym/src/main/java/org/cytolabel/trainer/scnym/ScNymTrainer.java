package org.cytolabel.trainer.scnym;

import static org.cytolabel.trainer.train.Batches.batchBounds;
import static org.cytolabel.trainer.train.Batches.shuffle;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.AdamW;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.core.metrics.ClassificationReport;
import org.cytolabel.core.metrics.Metrics;
import org.cytolabel.trainer.model.EngineLock;
import org.cytolabel.trainer.model.TrainingData;
import org.cytolabel.trainer.train.ClassWeights;
import org.cytolabel.trainer.train.EpochReport;
import org.cytolabel.trainer.train.TrainingListener;

/**
 * scNym's training loop. Each step takes a batch of labeled cells and as many unlabeled target
 * cells and
 * <ol>
 * <li>pseudolabels the target cells with the teacher (the current weights in eval mode, no
 * gradient: scNym's {@code unsup_mean_teacher = False}), sharpened with {@code T};</li>
 * <li>MixMatch: concatenates the confident target cells and the labeled cells, mixes each row
 * with a random partner of that concatenation ({@link MixMatch}), splits them back;</li>
 * <li>loss = class-weighted soft cross-entropy on the mixed labeled rows + {@code w_u(t)} x the
 * per-cell squared error between softmax and mixed pseudolabels (mean over target rows) + the
 * domain adversary's cross-entropy on the unmixed labeled and target cells, whose gradient
 * reaches the encoder reversed and scaled by {@code w_adv(t)} (scNym's {@code DANLoss}: the
 * adversary itself learns at full strength).</li>
 * </ol>
 * AdamW at a fixed learning rate (scNym uses Adadelta, lr 1, which on a few hundred cells needs far
 * more than the epoch budgets here). Every epoch runs; the kept epoch has the best labeled-validation
 * macro-F1 (ties: lower validation loss) among those after the consistency ramp, scNym's
 * {@code min_epochs} rule, so the model kept was trained with the full objective.
 *
 * <p>Domain accuracy: 10% of the labeled and 10% of the target cells (seeded) are never shown to
 * the adversary; after each epoch the eval-mode adversary classifies them, and the balanced
 * accuracy (mean per-domain recall; chance = 1 / domains) is reported. With
 * {@code adversary_weight = 0} the adversary still trains, on detached eval-mode embeddings, as a
 * probe of how separable the domains are, without touching the encoder.
 */
final class ScNymTrainer {
    private static final double HOLD_OUT = 0.1;
    /** Last fraction of the epochs over which a target cell must pass the confidence gate once. */
    private static final double NOVEL_WINDOW = 0.2;

    private final TrainingData data;
    private final ScNymConfig config;
    private final TrainingListener listener;
    private final Random rng;
    private final int genes;
    private final int classes;
    private final int domainsOut;
    private final boolean adversary;
    private final boolean semi;
    private final float[] classWeights;
    private final ScNymBlock block;
    private final boolean[] heldOutLabeled;
    private final boolean[] heldOutTarget;
    private final CsrMatrix domainProbeCells;
    private final int[] domainProbeTruth;
    private int[] targetOrder;
    private int targetCursor;

    private ScNymTrainer(TrainingData data, ScNymConfig config, TrainingListener listener) {
        this.data = data;
        this.config = config;
        this.listener = listener;
        this.rng = new Random(data.seed());
        this.genes = data.genes().size();
        this.classes = data.classNames().size();
        this.domainsOut = Math.max(2, data.numDomains());
        this.adversary = data.hasUnlabeled() && data.numDomains() >= 2;
        this.semi = data.hasUnlabeled() && config.consistencyWeight() > 0;
        this.classWeights = ClassWeights.balanced(data.train().labels(), classes);
        this.block = new ScNymBlock(genes, config.hidden(), classes, domainsOut, config.dropout());
        Random split = new Random(data.seed() + 7);
        this.heldOutLabeled = sample(data.train().cells(), split);
        this.heldOutTarget = sample(data.unlabeled().rows(), split);
        List<Integer> probeL = indices(heldOutLabeled);
        List<Integer> probeU = indices(heldOutTarget);
        this.domainProbeCells = concatRows(data.train().counts(), probeL, data.unlabeled(), probeU);
        this.domainProbeTruth = IntStream.concat(probeL.stream().mapToInt(i -> data.trainDomains()[i]),
                probeU.stream().mapToInt(i -> data.unlabeledDomains()[i])).toArray();
        this.targetOrder = IntStream.range(0, data.unlabeled().rows()).toArray();
    }

    static ScNymModel train(TrainingData data, ScNymConfig config, Map<String, String> hyperParameters,
            TrainingListener listener) {
        check(data, config);
        try (EngineLock lock = EngineLock.seeded(data.seed(), listener)) {
            return new ScNymTrainer(data, config, listener).run(hyperParameters);
        }
    }

    private ScNymModel run(Map<String, String> hyperParameters) {
        Model model = Model.newInstance("cytolabel-scnym", Device.cpu(), EngineLock.ENGINE);
        try {
            model.setBlock(block);
            float lr = config.learningRate();
            AdamW optimizer = AdamW.builder().optLearningRateTracker((id, n) -> lr)
                    .optWeightDecays(config.weightDecay()).build();
            // the losses are computed by hand below; the trainer only needs some Loss to exist
            DefaultTrainingConfig djl = new DefaultTrainingConfig(Loss.l2Loss()).optOptimizer(optimizer)
                    .optDevices(new Device[] {Device.cpu()});
            ScNymPredictor predictor = new ScNymPredictor(block, model.getNDManager());
            List<EpochReport> history = new ArrayList<>();
            Map<Parameter, float[]> best = null;
            int bestEpoch = 0;
            double bestF1 = Double.NEGATIVE_INFINITY;
            double bestLoss = Double.POSITIVE_INFINITY;
            boolean[] passedGate = new boolean[data.unlabeled().rows()];
            int novelFrom = config.epochs() - Math.max(1, (int) Math.ceil(NOVEL_WINDOW * config.epochs())) + 1;
            try (Trainer trainer = model.newTrainer(djl)) {
                trainer.initialize(new Shape(config.batchSize(), genes));
                for (int epoch = 1; epoch <= config.epochs(); epoch++) {
                    EpochLosses losses = trainEpoch(trainer, epoch);
                    float[][] probs = predictor.probabilities(data.validation().counts(), 1f);
                    int[] predicted = argmax(probs);
                    ClassificationReport report = Metrics.evaluate(data.validation().labels(), predicted,
                            data.classNames());
                    double valLoss = weightedNll(probs, data.validation().labels());
                    boolean isBest = false;
                    if (epoch >= config.firstSelectableEpoch() && (report.macroF1() > bestF1
                            || (report.macroF1() == bestF1 && valLoss < bestLoss))) {
                        isBest = true;
                        bestF1 = report.macroF1();
                        bestLoss = valLoss;
                        bestEpoch = epoch;
                        best = block.snapshot();
                    }
                    Map<String, Double> metrics = losses.metrics();
                    metrics.put("domain_accuracy", adversary ? domainAccuracy(predictor) : Double.NaN);
                    if (config.confidenceGate() > 0 && epoch >= novelFrom && data.hasUnlabeled()) {
                        metrics.put("target_confident_fraction", trackGate(predictor, passedGate));
                    }
                    EpochReport r = new EpochReport(epoch, config.epochs(), losses.total(), valLoss, report.macroF1(),
                            report.accuracy(), isBest, metrics);
                    history.add(r);
                    listener.onEpoch(r);
                }
            }
            block.restore(best);
            return new ScNymFinisher(data, config, block, predictor, model).finish(bestEpoch, history,
                    hyperParameters, novelCount(passedGate));
        } catch (RuntimeException | Error e) {
            model.close();
            throw e;
        }
    }

    private record EpochLosses(double total, double supervised, double consistency, double adversaryLoss,
            double consistencyWeight, double adversaryWeight, double confident) {
        Map<String, Double> metrics() {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("supervised_loss", supervised);
            m.put("consistency_loss", consistency);
            m.put("adversary_loss", adversaryLoss);
            m.put("consistency_weight", consistencyWeight);
            m.put("adversary_weight", adversaryWeight);
            m.put("pseudolabel_confident_fraction", confident);
            return m;
        }
    }

    private EpochLosses trainEpoch(Trainer trainer, int epoch) {
        int n = data.train().cells();
        int[] order = IntStream.range(0, n).toArray();
        shuffle(order, rng);
        int[][] batches = batchBounds(n, config.batchSize());
        double[] sums = new double[5];
        double wU = 0;
        double wA = 0;
        for (int b = 0; b < batches.length; b++) {
            if (listener.isCancelled()) {
                throw new CytoLabelException(ErrorKind.CANCELLED, "training was cancelled");
            }
            double progress = (epoch - 1 + (double) b / batches.length) / config.epochs();
            wU = semi ? Ramps.linear(progress, config.consistencyRamp(), config.consistencyWeight()) : 0;
            wA = config.adversaryWeight() > 0 ? Ramps.sigmoid(progress, config.adversaryRamp(),
                    config.adversaryWeight()) : 0;
            double[] step = step(trainer, java.util.Arrays.copyOfRange(order, batches[b][0], batches[b][1]),
                    (float) wU, (float) wA);
            for (int k = 0; k < sums.length; k++) {
                sums[k] += step[k];
            }
        }
        int steps = batches.length;
        return new EpochLosses(sums[0] / steps, sums[1] / steps, semi ? sums[2] / steps : Double.NaN,
                adversary ? sums[3] / steps : Double.NaN, wU, wA, semi ? sums[4] / steps : Double.NaN);
    }

    /** One optimisation step; returns {total, supervised, consistency, adversary, confident fraction}. */
    private double[] step(Trainer trainer, int[] labeled, float wU, float wA) {
        int bl = labeled.length;
        int[] target = semi || adversary ? nextTargets(bl) : new int[0];
        try (NDManager m = trainer.getManager().newSubManager()) {
            ParameterStore evalStore = new ParameterStore(m, false);
            // (1) teacher pseudolabels for the target cells
            float[] pseudo = new float[0];
            boolean[] confident = new boolean[target.length];
            int nConf = 0;
            if (semi) {
                NDArray xu = normalized(m, java.util.Arrays.stream(target).map(t -> -t - 1).toArray());
                float[] p = block.logits(evalStore, block.embed(evalStore, xu, false), false).softmax(1)
                        .toFloatArray();
                for (int i = 0; i < target.length; i++) {
                    float max = 0;
                    for (int c = 0; c < classes; c++) {
                        max = Math.max(max, p[i * classes + c]);
                    }
                    confident[i] = max >= config.confidenceGate();
                    nConf += confident[i] ? 1 : 0;
                }
                pseudo = MixMatch.sharpen(p, classes, config.sharpenTemperature());
            }
            // (2) MixMatch over [confident target; labeled]
            int[] cat = new int[nConf + bl];
            float[] catY = new float[cat.length * classes];
            int k = 0;
            for (int i = 0; i < target.length; i++) {
                if (semi && confident[i]) {
                    System.arraycopy(pseudo, i * classes, catY, k * classes, classes);
                    cat[k++] = -target[i] - 1;
                }
            }
            for (int l : labeled) {
                catY[k * classes + data.train().labels()[l]] = 1f;
                cat[k++] = l;
            }
            float[] lambda = MixMatch.lambdas(rng, config.mixupAlpha(), cat.length);
            int[] perm = MixMatch.permutation(rng, cat.length);
            int[] partner = new int[cat.length];
            float[] partnerY = new float[catY.length];
            for (int i = 0; i < cat.length; i++) {
                partner[i] = cat[perm[i]];
                System.arraycopy(catY, perm[i] * classes, partnerY, i * classes, classes);
            }
            float[] mixedY = MixMatch.mixRows(catY, partnerY, classes, lambda);
            NDArray xCat = normalized(m, cat);
            NDArray mixed = config.mixupAlpha() > 0
                    ? MixMatch.mix(xCat, normalized(m, partner), m.create(lambda, new Shape(cat.length, 1)))
                    : xCat;
            NDArray mixedL = mixed.get(nConf + ":");
            NDList inputs = new NDList(mixedL);
            int uRows = 0;
            if (semi) {
                int[] unconfident = IntStream.range(0, target.length).filter(i -> !confident[i])
                        .map(i -> -target[i] - 1).toArray();
                NDArray u = nConf > 0 ? mixed.get("0:" + nConf) : null;
                if (unconfident.length > 0) {
                    NDArray rest = normalized(m, unconfident);
                    u = u == null ? rest : u.concat(rest, 0);
                }
                inputs.add(u);
                uRows = target.length;
            }
            // (3) adversary input: unmixed labeled and target cells it may train on
            int[] advRows = adversary ? adversaryRows(labeled, target, confident) : new int[0];
            boolean useAdversary = advRows.length >= 2;
            if (useAdversary) {
                inputs.add(normalized(m, advRows));
            }
            block.setPlan(semi ? 2 : 1, useAdversary, wA, config.adversaryWeight() <= 0);
            double[] out = new double[5];
            try (GradientCollector collector = trainer.newGradientCollector()) {
                NDList outputs = trainer.forward(inputs);
                float[] w = new float[bl];
                for (int i = 0; i < bl; i++) {
                    w[i] = classWeights[data.train().labels()[labeled[i]]];
                }
                NDArray yl = m.create(java.util.Arrays.copyOfRange(mixedY, nConf * classes, mixedY.length),
                        new Shape(bl, classes));
                NDArray wl = m.create(w, new Shape(bl));
                NDArray supervised = outputs.get(0).logSoftmax(1).mul(yl).sum(new int[] {1}).mul(wl).sum()
                        .neg().div(wl.sum());
                NDArray total = supervised;
                out[1] = supervised.getFloat();
                if (semi) {
                    float[] yu = new float[uRows * classes];
                    float[] mask = new float[uRows];
                    System.arraycopy(mixedY, 0, yu, 0, nConf * classes);
                    java.util.Arrays.fill(mask, 0, nConf, 1f);
                    NDArray diff = outputs.get(1).softmax(1).sub(m.create(yu, new Shape(uRows, classes)));
                    NDArray consistency = diff.square().sum(new int[] {1}).mul(m.create(mask, new Shape(uRows)))
                            .mean();
                    total = total.add(consistency.mul(m.create(wU))); // array, not mul(Number): see GradientReversal
                    out[2] = consistency.getFloat();
                    out[4] = (double) nConf / uRows;
                }
                if (useAdversary) {
                    float[] yd = new float[advRows.length * domainsOut];
                    for (int i = 0; i < advRows.length; i++) {
                        int r = advRows[i];
                        yd[i * domainsOut + (r >= 0 ? data.trainDomains()[r] : data.unlabeledDomains()[-r - 1])] = 1f;
                    }
                    NDArray adv = outputs.get(outputs.size() - 1).logSoftmax(1)
                            .mul(m.create(yd, new Shape(advRows.length, domainsOut))).sum().neg()
                            .div(m.create((float) advRows.length));
                    total = total.add(adv);
                    out[3] = adv.getFloat();
                }
                collector.backward(total);
                out[0] = total.getFloat();
            }
            trainer.step();
            return out;
        }
    }

    /** Labeled and target rows (target as -row-1) the adversary may see: not held out, confident when gated. */
    private int[] adversaryRows(int[] labeled, int[] target, boolean[] confident) {
        boolean gated = semi && config.confidenceGate() > 0;
        IntStream l = java.util.Arrays.stream(labeled).filter(i -> !heldOutLabeled[i]);
        IntStream u = IntStream.range(0, target.length).filter(i -> !heldOutTarget[target[i]]
                && (!gated || confident[i])).map(i -> -target[i] - 1);
        return IntStream.concat(l, u).toArray();
    }

    /** The next {@code n} target cells of a shuffled cycle through all of them. */
    private int[] nextTargets(int n) {
        int total = targetOrder.length;
        int[] out = new int[Math.min(n, Math.max(total, 2))];
        for (int i = 0; i < out.length; i++) {
            if (targetCursor == 0) {
                shuffle(targetOrder, rng);
            }
            out[i] = targetOrder[targetCursor];
            targetCursor = (targetCursor + 1) % total;
        }
        return out;
    }

    /** Balanced accuracy of the eval-mode adversary on the held-out labeled and target cells. */
    private double domainAccuracy(ScNymPredictor predictor) {
        if (domainProbeCells.rows() == 0) {
            return Double.NaN;
        }
        int[] predicted = predictor.domains(domainProbeCells);
        int[] hits = new int[domainsOut];
        int[] totals = new int[domainsOut];
        for (int i = 0; i < predicted.length; i++) {
            totals[domainProbeTruth[i]]++;
            hits[domainProbeTruth[i]] += predicted[i] == domainProbeTruth[i] ? 1 : 0;
        }
        double sum = 0;
        int present = 0;
        for (int d = 0; d < domainsOut; d++) {
            if (totals[d] > 0) {
                sum += (double) hits[d] / totals[d];
                present++;
            }
        }
        return sum / present;
    }

    /** Marks target cells whose eval-mode confidence passes the gate; returns the fraction passing now. */
    private double trackGate(ScNymPredictor predictor, boolean[] passed) {
        float[][] p = predictor.probabilities(data.unlabeled(), 1f);
        int now = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i][argmax(p[i])] >= config.confidenceGate()) {
                passed[i] = true;
                now++;
            }
        }
        return (double) now / p.length;
    }

    private int novelCount(boolean[] passed) {
        if (config.confidenceGate() <= 0 || !data.hasUnlabeled()) {
            return -1;
        }
        int n = 0;
        for (boolean b : passed) {
            n += b ? 0 : 1;
        }
        return n;
    }

    /** Dense normalised rows: codes >= 0 are labeled training cells, code -r-1 is target cell r. */
    private NDArray normalized(NDManager m, int[] codes) {
        float[] dense = new float[codes.length * genes];
        for (int i = 0; i < codes.length; i++) {
            int c = codes[i];
            if (c >= 0) {
                data.train().counts().scatterRow(c, dense, i * genes);
            } else {
                data.unlabeled().scatterRow(-c - 1, dense, i * genes);
            }
        }
        return CpmPreprocessing.normalize(m.create(dense, new Shape(codes.length, genes)));
    }

    private double weightedNll(float[][] probs, int[] labels) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < labels.length; i++) {
            double w = classWeights[labels[i]];
            num -= w * Math.log(Math.max(probs[i][labels[i]], 1e-30));
            den += w;
        }
        return den == 0 ? Double.NaN : num / den;
    }

    static int[] argmax(float[][] p) {
        int[] out = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = argmax(p[i]);
        }
        return out;
    }

    static int argmax(float[] p) {
        return ScNymPredictor.argmax(p);
    }

    private static boolean[] sample(int n, Random rng) {
        boolean[] out = new boolean[n];
        int k = (int) Math.round(HOLD_OUT * n);
        int[] perm = MixMatch.permutation(rng, n);
        for (int i = 0; i < k; i++) {
            out[perm[i]] = true;
        }
        return out;
    }

    private static List<Integer> indices(boolean[] mask) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < mask.length; i++) {
            if (mask[i]) {
                out.add(i);
            }
        }
        return out;
    }

    private static CsrMatrix concatRows(CsrMatrix a, List<Integer> aRows, CsrMatrix b, List<Integer> bRows) {
        int rows = aRows.size() + bRows.size();
        int[] indptr = new int[rows + 1];
        List<int[]> idx = new ArrayList<>();
        List<float[]> val = new ArrayList<>();
        int r = 0;
        int nnz = 0;
        for (int pass = 0; pass < 2; pass++) {
            CsrMatrix mtx = pass == 0 ? a : b;
            for (int row : pass == 0 ? aRows : bRows) {
                int from = mtx.indptr()[row];
                int to = mtx.indptr()[row + 1];
                idx.add(java.util.Arrays.copyOfRange(mtx.indices(), from, to));
                val.add(java.util.Arrays.copyOfRange(mtx.values(), from, to));
                nnz += to - from;
                indptr[++r] = nnz;
            }
        }
        int[] indices = new int[nnz];
        float[] values = new float[nnz];
        int p = 0;
        for (int i = 0; i < idx.size(); i++) {
            System.arraycopy(idx.get(i), 0, indices, p, idx.get(i).length);
            System.arraycopy(val.get(i), 0, values, p, val.get(i).length);
            p += idx.get(i).length;
        }
        return new CsrMatrix(rows, a.cols(), indptr, indices, values);
    }
    private static void check(TrainingData data, ScNymConfig config) {
        if (config.usesUnlabeled() && !data.hasUnlabeled()) {
            throw CytoLabelException.invalid("scNym needs unlabeled target cells (the dataset to annotate) for its"
                    + " consistency and adversary losses; pass them with the training request, or set"
                    + " consistency_weight=0 and adversary_weight=0 for the supervised twin");
        }
        if (data.hasUnlabeled() && data.unlabeled().rows() < 2) {
            throw CytoLabelException.invalid("scNym needs at least 2 unlabeled target cells (batch norm), got "
                    + data.unlabeled().rows());
        }
        if (data.validation().cells() == 0) {
            throw CytoLabelException.invalid("scNym needs labeled validation cells to pick its epoch and fit its"
                    + " temperature; hold some labeled cells out for validation");
        }
        for (int d : data.unlabeledDomains()) {
            if (d < 0 || d >= Math.max(2, data.numDomains())) {
                throw CytoLabelException.invalid("unlabeled domain id " + d + " is outside 0.."
                        + (data.numDomains() - 1));
            }
        }
    }
}
