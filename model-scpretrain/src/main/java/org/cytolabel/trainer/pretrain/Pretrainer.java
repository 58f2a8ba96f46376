package org.cytolabel.trainer.pretrain;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.trainer.model.EngineLock;
import org.cytolabel.trainer.pretrain.metrics.ClusterAgreement;
import org.cytolabel.trainer.train.EpochReport;
import org.cytolabel.trainer.train.TrainingListener;

/**
 * scPretrain's self-supervised phase (Zhang et al.): unlabeled datasets on one gene space; per
 * dataset k-means pseudo-labels with k = n/50, n/100, n/200 (each dataset x k one task); a shared
 * encoder {@code G -> hidden} with sigmoid and one linear head per task, all trained at once on the
 * sum of the tasks' cross-entropies. Phase 1 clusters the PCA of log-normalised expression; each
 * phase-2 iteration re-clusters every dataset on the encoder's output, re-initialises the heads
 * (cluster ids change) and trains again. One {@link EpochReport} per iteration (epoch 1 = phase 1)
 * carries each task's loss ({@code loss_<dataset>_k<k>}) and, from iteration 2 on, the adjusted
 * Rand index of its pseudo-labels against the previous iteration's ({@code ari_<dataset>_k<k>}).
 */
public final class Pretrainer {

    /** One unlabeled dataset: counts already in the pretraining gene space. */
    public record Dataset(String name, CsrMatrix counts) {
    }

    /** One pseudo-label task: a dataset's cells clustered into k groups. */
    public record Task(int dataset, String name, int k, int[] labels) {
    }

    /** The encoder, one report per iteration, and the last iteration's tasks. */
    public record Result(PretrainedEncoder encoder, List<EpochReport> history, List<Task> tasks) {
    }

    private Pretrainer() {
    }

    public static Result pretrain(List<String> genes, List<Dataset> datasets, PretrainConfig cfg,
            TrainingListener listener) {
        if (datasets.isEmpty()) {
            throw CytoLabelException.invalid("pretraining needs at least one unlabeled dataset");
        }
        List<Dataset> data = new ArrayList<>();
        Random pick = new Random(cfg.seed());
        for (Dataset d : datasets) {
            if (d.counts().cols() != genes.size()) {
                throw CytoLabelException.invalid("dataset " + d.name() + " has " + d.counts().cols()
                        + " columns, the gene space " + genes.size() + "; align it with GeneSpace.align");
            }
            if (d.counts().rows() < 4) {
                throw CytoLabelException.invalid("dataset " + d.name() + " has " + d.counts().rows()
                        + " cells; pretraining needs at least 4 per dataset");
            }
            data.add(subsample(d, cfg.maxCellsPerDataset(), pick));
        }
        try (EngineLock lock = EngineLock.seeded(cfg.seed(), listener);
                NDManager root = NDManager.newBaseManager(Device.cpu(), EngineLock.ENGINE)) {
            Random init = new Random(cfg.seed());
            Dense encoder = Dense.random("encoder", root, genes.size(), cfg.hidden(), init);
            Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(cfg.learningRate())).build();
            long c0 = System.nanoTime();
            List<Task> tasks = initialTasks(data, cfg);
            double clusterSeconds = (System.nanoTime() - c0) / 1e9;
            List<EpochReport> history = new ArrayList<>();
            int epochCounter = 0;
            for (int it = 0; it <= cfg.iterations(); it++) {
                Map<String, Double> metrics = new LinkedHashMap<>();
                if (it > 0) {
                    c0 = System.nanoTime();
                    List<Task> next = recluster(encoder, data, tasks, cfg, it);
                    for (int t = 0; t < tasks.size(); t++) {
                        metrics.put("ari_" + tasks.get(t).name(),
                                ClusterAgreement.adjustedRandIndex(tasks.get(t).labels(), next.get(t).labels()));
                    }
                    tasks = next;
                    clusterSeconds = (System.nanoTime() - c0) / 1e9;
                }
                metrics.put("cluster_seconds", clusterSeconds);
                long t0 = System.nanoTime();
                List<Dense> heads = new ArrayList<>();
                for (int t = 0; t < tasks.size(); t++) {
                    heads.add(Dense.random("head" + it + "_" + t, root, cfg.hidden(), tasks.get(t).k(), init));
                }
                double[] taskLoss = null;
                for (int e = 0; e < cfg.epochsPerIteration(); e++) {
                    taskLoss = epoch(encoder, heads, data, tasks, cfg, adam, new Random(cfg.seed() * 7919 + epochCounter++),
                            listener);
                }
                metrics.put("train_seconds", (System.nanoTime() - t0) / 1e9);
                double total = 0;
                for (int t = 0; t < tasks.size(); t++) {
                    metrics.put("loss_" + tasks.get(t).name(), taskLoss[t]);
                    total += taskLoss[t];
                }
                heads.forEach(Dense::close);
                EpochReport report = new EpochReport(it + 1, cfg.iterations() + 1, total, Double.NaN, Double.NaN,
                        Double.NaN, false, metrics);
                history.add(report);
                listener.onEpoch(report);
            }
            PretrainedEncoder result = new PretrainedEncoder(genes, cfg.hidden(), encoder.weightValues(),
                    encoder.biasValues());
            return new Result(result, history, tasks);
        }
    }

    /** Phase 1: k-means on the PCA of each dataset's log-normalised expression. */
    static List<Task> initialTasks(List<Dataset> data, PretrainConfig cfg) {
        List<Task> tasks = new ArrayList<>();
        KMeans kmeans = KMeans.standard();
        for (int d = 0; d < data.size(); d++) {
            CsrMatrix x = LogNormalize.apply(data.get(d).counts());
            int comps = Math.min(cfg.pcaComponents(), Math.min(x.rows() - 1, x.cols()));
            float[][] pcs = Pca.fit(x, comps, 2, cfg.seed() + d).transform(x);
            int[] ks = cfg.clusterCounts(x.rows());
            for (int i = 0; i < ks.length; i++) {
                int[] labels = kmeans.fit(pcs, ks[i], cfg.seed() * 1_000_003L + d * 31L + i).labels();
                tasks.add(new Task(d, data.get(d).name() + "_k" + ks[i], ks[i], labels));
            }
        }
        return tasks;
    }

    private static List<Task> recluster(Dense encoder, List<Dataset> data, List<Task> tasks, PretrainConfig cfg,
            int iteration) {
        KMeans kmeans = KMeans.standard();
        float[] w = encoder.weightValues();
        float[] b = encoder.biasValues();
        List<float[][]> embeddings = new ArrayList<>();
        for (Dataset d : data) {
            embeddings.add(PretrainedEncoder.embed(w, b, encoder.inputs, encoder.outputs, d.counts()));
        }
        List<Task> next = new ArrayList<>();
        for (int t = 0; t < tasks.size(); t++) {
            Task old = tasks.get(t);
            int[] labels = kmeans.fit(embeddings.get(old.dataset()), old.k(),
                    cfg.seed() * 1_000_003L + iteration * 7_919L + t).labels();
            next.add(new Task(old.dataset(), old.name(), old.k(), labels));
        }
        return next;
    }

    /**
     * One epoch: {@code ceil(max n / batch)} steps; each step takes the next batch of every dataset
     * (smaller datasets wrap around their own shuffle), runs them through the encoder together and
     * sums every task's mean cross-entropy. Returns each task's mean loss over the epoch.
     */
    private static double[] epoch(Dense encoder, List<Dense> heads, List<Dataset> data, List<Task> tasks,
            PretrainConfig cfg, Optimizer adam, Random shuffle, TrainingListener listener) {
        int genes = encoder.inputs;
        int[][] orders = new int[data.size()][];
        int maxN = 0;
        for (int d = 0; d < data.size(); d++) {
            orders[d] = permutation(data.get(d).counts().rows(), shuffle);
            maxN = Math.max(maxN, orders[d].length);
        }
        int steps = (maxN + cfg.batchSize() - 1) / cfg.batchSize();
        double[] lossSum = new double[tasks.size()];
        NDManager root = encoder.weight.getManager();
        Engine engine = Engine.getEngine(EngineLock.ENGINE);
        for (int s = 0; s < steps; s++) {
            if (listener.isCancelled()) {
                throw new CytoLabelException(ErrorKind.CANCELLED, "pretraining was cancelled");
            }
            int[][] rows = new int[data.size()][];
            int[] offset = new int[data.size() + 1];
            for (int d = 0; d < data.size(); d++) {
                int n = orders[d].length;
                int b = Math.min(cfg.batchSize(), n);
                rows[d] = new int[b];
                for (int i = 0; i < b; i++) {
                    rows[d][i] = orders[d][(s * cfg.batchSize() + i) % n];
                }
                offset[d + 1] = offset[d] + b;
            }
            float[] dense = new float[offset[data.size()] * genes];
            for (int d = 0; d < data.size(); d++) {
                CsrMatrix m = data.get(d).counts();
                for (int i = 0; i < rows[d].length; i++) {
                    m.scatterRow(rows[d][i], dense, (offset[d] + i) * genes);
                }
            }
            try (NDManager step = root.newSubManager()) {
                NDArray x = step.create(dense, new Shape(offset[data.size()], genes));
                List<NDArray> targets = new ArrayList<>();
                for (Task t : tasks) {
                    int[] r = rows[t.dataset()];
                    int[] y = new int[r.length];
                    for (int i = 0; i < r.length; i++) {
                        y[i] = t.labels()[r[i]];
                    }
                    targets.add(step.create(MultiTaskLoss.oneHot(y, null, 0, y.length, t.k()), new Shape(y.length, t.k())));
                }
                try (GradientCollector collector = engine.newGradientCollector()) {
                    NDArray h = Activation.sigmoid(encoder.forward(Normalization.apply(x)));
                    List<NDArray> logits = new ArrayList<>();
                    for (int t = 0; t < tasks.size(); t++) {
                        int d = tasks.get(t).dataset();
                        logits.add(heads.get(t).forward(h.get(new NDIndex("{}:{}", offset[d], offset[d + 1]))));
                    }
                    List<NDArray> perTask = MultiTaskLoss.perTask(logits, targets);
                    NDArray loss = MultiTaskLoss.sum(perTask);
                    collector.backward(loss);
                    for (int t = 0; t < tasks.size(); t++) {
                        lossSum[t] += perTask.get(t).getFloat();
                    }
                }
                encoder.step(adam);
                heads.forEach(head -> head.step(adam));
            }
        }
        for (int t = 0; t < lossSum.length; t++) {
            lossSum[t] /= steps;
        }
        return lossSum;
    }

    private static int[] permutation(int n, Random rnd) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    private static Dataset subsample(Dataset d, int max, Random rnd) {
        if (max == 0 || d.counts().rows() <= max) {
            return d;
        }
        int[] keep = Arrays.copyOf(permutation(d.counts().rows(), rnd), max);
        Arrays.sort(keep);
        return new Dataset(d.name(), d.counts().selectRows(keep));
    }
}
