package org.cytolabel.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.proto.model.v1.ModelCard;
import org.cytolabel.trainer.cluster.PlanCodec;
import org.cytolabel.trainer.cluster.TerminationMessage;
import org.cytolabel.trainer.pipeline.JobPhase;
import org.cytolabel.trainer.pipeline.PipelineProgress;
import org.cytolabel.trainer.pipeline.TrainingPlan;
import org.cytolabel.trainer.server.TrainingJobProcess;
import org.cytolabel.trainer.train.EpochReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cytolabel run-job}: the inside of a Kubernetes training Job. Reads the plan the trainer wrote
 * (env {@code CYTOLABEL_PLAN} or {@code --plan-file}), trains and publishes it, prints progress, and
 * leaves one result line in the termination log for the trainer. Exit 0: published; 1: training
 * failed; 2: no usable plan.
 */
@Command(name = "run-job", description = "Run one training plan to completion and publish the model"
        + " (what a Kubernetes training Job runs; the plan comes from $CYTOLABEL_PLAN or --plan-file).")
final class RunJobCommand implements Callable<Integer> {
    @Option(names = "--plan-file", description = "JSON plan written by the trainer (default: $CYTOLABEL_PLAN)")
    Path planFile;

    @Option(names = "--data-dir", defaultValue = "${env:CYTOLABEL_DATA_DIR:-/var/lib/cytolabel}",
            description = "The trainer data dir holding datasets/<id> (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--registry", defaultValue = "${env:CYTOLABEL_REGISTRY:-localhost:50051}",
            description = "Registry to publish to (default: ${DEFAULT-VALUE})")
    String registry;

    @Option(names = "--termination-log", description = "Where to write the result line (default: "
            + TerminationMessage.PATH + " when it exists and is writable)")
    Path terminationLog;

    @Override
    public Integer call() {
        TrainingPlan plan;
        try {
            plan = PlanCodec.decode(readPlan());
        } catch (CytoLabelException e) {
            return finish(2, TerminationMessage.failed(e.getMessage()));
        }
        Progress progress = new Progress(System.getenv().getOrDefault("CYTOLABEL_JOB_ID", plan.publishAs()));
        // SIGTERM (the Job deleted): stop at the next check, so nothing is published afterwards
        Runtime.getRuntime().addShutdownHook(new Thread(() -> progress.cancelled = true, "run-job-cancel"));
        try {
            ModelCard card = TrainingJobProcess.run(plan, dataDir, registry, progress);
            return finish(0, TerminationMessage.published(card.getName(), card.getVersion(), card.getSha256()));
        } catch (CytoLabelException e) {
            return finish(1, TerminationMessage.failed(e.getMessage()));
        } catch (RuntimeException e) {
            e.printStackTrace();
            return finish(1, TerminationMessage.failed("internal error (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")"));
        }
    }

    private String readPlan() {
        if (planFile != null) {
            try {
                return Files.readString(planFile, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw CytoLabelException.invalid("cannot read --plan-file " + planFile + ": " + e.getMessage());
            }
        }
        String env = System.getenv(PlanCodec.ENV);
        if (env == null || env.isBlank()) {
            throw CytoLabelException.invalid("no training plan: set " + PlanCodec.ENV + " or pass --plan-file"
                    + " (the trainer sets it in the Jobs it creates)");
        }
        return env;
    }

    private int finish(int code, String line) {
        (code == 0 ? System.out : System.err).println(line);
        Path log = terminationLog != null ? terminationLog : Path.of(TerminationMessage.PATH);
        if (terminationLog != null || (Files.exists(log) && Files.isWritable(log))) {
            try {
                Files.writeString(log, line + "\n", StandardCharsets.UTF_8);
            } catch (IOException e) {
                System.err.println("warning: cannot write the result to " + log + ": " + e.getMessage());
            }
        }
        return code;
    }

    /** Prints each phase and epoch as one line; the pod log is where epochs are visible. */
    private static final class Progress implements PipelineProgress {
        private final String id;
        private volatile boolean cancelled;

        Progress(String id) {
            this.id = id;
        }

        @Override
        public void phase(JobPhase phase, String message) {
            System.out.printf("[%s] %s %s%n", id, phase, message);
        }

        @Override
        public void epoch(EpochReport r) {
            System.out.printf("[%s] TRAINING epoch %d/%d: train loss %.4f, validation loss %.4f, validation"
                    + " macro-F1 %.4f%s%n", id, r.epoch(), r.maxEpochs(), r.trainLoss(), r.validationLoss(),
                    r.validationMacroF1(), r.best() ? " (best so far)" : "");
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }
    }
}
