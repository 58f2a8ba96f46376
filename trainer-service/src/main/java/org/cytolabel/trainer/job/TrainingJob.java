package org.cytolabel.trainer.job;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.cytolabel.proto.model.v1.ModelCard;
import org.cytolabel.trainer.pipeline.JobPhase;
import org.cytolabel.trainer.pipeline.TrainingPlan;
import org.cytolabel.trainer.train.EpochReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A job's state and event history; watchers get the history, then live events, in order. */
final class TrainingJob implements JobEvents {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingJob.class);
    private final String id;
    private final TrainingPlan plan;
    private final List<JobUpdate> history = new ArrayList<>();
    private final List<Consumer<JobUpdate>> watchers = new CopyOnWriteArrayList<>();
    private volatile boolean cancelled;
    private JobPhase phase = JobPhase.QUEUED;

    TrainingJob(String id, TrainingPlan plan) {
        this.id = id;
        this.plan = plan;
    }

    String id() {
        return id;
    }

    @Override
    public String jobId() {
        return id;
    }

    TrainingPlan plan() {
        return plan;
    }

    synchronized JobPhase currentPhase() {
        return phase;
    }

    void requestCancel() {
        cancelled = true;
    }

    @Override
    public boolean isCancelled() {
        return cancelled;
    }

    @Override
    public void phase(JobPhase p, String message) {
        emit(p, 0, 0, Map.of(), Double.NaN, message, null);
    }

    @Override
    public void epoch(EpochReport r) {
        Map<String, Double> losses = new java.util.LinkedHashMap<>(r.metrics());
        losses.put("train", r.trainLoss());
        losses.put("validation", r.validationLoss());
        emit(JobPhase.TRAINING, r.epoch(), r.maxEpochs(), losses,
                r.validationMacroF1(), String.format("epoch %d/%d: validation macro-F1 %.4f, accuracy %.4f%s",
                        r.epoch(), r.maxEpochs(), r.validationMacroF1(), r.validationAccuracy(),
                        r.best() ? " (best so far)" : ""), null);
    }

    @Override
    public void succeeded(ModelCard card) {
        emit(JobPhase.SUCCEEDED, 0, 0, Map.of(), Double.NaN, "published " + card.getName() + ":"
                + card.getVersion() + (plan.alias().isEmpty() ? "" : " as " + card.getName() + "@" + plan.alias()),
                card);
    }

    @Override
    public void ended(JobPhase terminal, String message) {
        emit(terminal, 0, 0, Map.of(), Double.NaN, message, null);
    }

    /** Replays the history to {@code watcher}, then sends it every new event until the job ends. */
    Runnable watch(Consumer<JobUpdate> watcher) {
        List<JobUpdate> past;
        synchronized (this) {
            past = List.copyOf(history);
            if (!phase.terminal()) {
                watchers.add(watcher);
            }
            past.forEach(watcher);
        }
        return () -> watchers.remove(watcher);
    }

    private synchronized void emit(JobPhase p, int epoch, int maxEpochs, Map<String, Double> losses, double f1,
            String message, ModelCard card) {
        if (phase.terminal()) {
            return;
        }
        phase = p;
        JobUpdate u = new JobUpdate(id, history.size() + 1L, p, epoch, maxEpochs, losses, f1, message, card,
                Instant.now());
        history.add(u);
        for (Consumer<JobUpdate> w : watchers) {
            try {
                w.accept(u);
            } catch (RuntimeException e) {
                // a watcher that cannot take events (e.g. its call just closed) must not fail the job
                LOG.warn("job {}: dropping a watcher that failed: {}", id, e.toString());
                watchers.remove(w);
            }
        }
        if (p.terminal()) {
            watchers.clear();
        }
    }
}
