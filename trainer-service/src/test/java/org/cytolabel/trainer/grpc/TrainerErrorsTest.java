package org.cytolabel.trainer.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.cytolabel.core.TestData;
import org.cytolabel.proto.trainer.v1.CancelJobRequest;
import org.cytolabel.proto.trainer.v1.DatasetInfo;
import org.cytolabel.proto.trainer.v1.JobEvent;
import org.cytolabel.proto.trainer.v1.JobEvent.Phase;
import org.cytolabel.proto.trainer.v1.ListDatasetsRequest;
import org.cytolabel.proto.trainer.v1.TrainingRequest;
import org.cytolabel.proto.trainer.v1.UploadDatasetRequest;
import org.cytolabel.proto.trainer.v1.WatchJobRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user of the Trainer API gets wrong, and what comes back: the gRPC status and a message
 * that says what was wrong and what to do. A refused upload leaves nothing behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrainerErrorsTest {
    private static final String LOGNORM_FIXTURE = "/org/cytolabel/core/data/fixtures/kang60_lognorm_with_raw.h5ad";

    @TempDir
    static Path dir;

    private TrainerCluster cluster;
    private DatasetInfo kang;

    @BeforeAll
    void start() {
        cluster = TrainerCluster.start(dir);
        kang = cluster.uploadFiles("kang2018_muscat_example_sce", "h5ad", TestData.file(TestData.KANG_EXAMPLE));
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Whatever a test did, only the one good dataset is listed and no upload is left half-written. */
    @AfterEach
    void nothingElseWasKept() throws IOException {
        List<DatasetInfo> listed = cluster.blocking().listDatasets(ListDatasetsRequest.getDefaultInstance())
                .getDatasetsList();
        assertEquals(List.of(kang), listed);
        try (Stream<Path> s = Files.list(cluster.trainerData.resolve("incoming"))) {
            assertEquals(List.of(), s.toList(), "aborted uploads are deleted");
        }
        try (Stream<Path> s = Files.list(cluster.trainerData.resolve("datasets"))) {
            assertEquals(1, s.count());
        }
    }

    @Test
    void fileBeforeHeaderIsInvalid() {
        byte[] bytes = TrainerCluster.read(TestData.file(TestData.KANG_EXAMPLE));
        var e = refused(TrainerCluster.file("x.h5ad", bytes, bytes.length, ""));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("send a DatasetHeader (name, format) first"),
                e.getStatus().getDescription());
    }

    @Test
    void emptyUploadIsInvalid() {
        var e = refused(List.of());
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("the upload was empty"), e.getStatus().getDescription());
    }

    @Test
    void unknownFormatIsInvalid() {
        var e = refused(List.of(TrainerCluster.header("pbmc", "loom")));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertEquals("dataset format must be 'h5ad' or '10x', got 'loom'", e.getStatus().getDescription());
    }

    @Test
    void fileThatDoesNotBelongToTheFormatIsInvalid() {
        var msgs = new ArrayList<UploadDatasetRequest>();
        msgs.add(TrainerCluster.header("kang", "10x"));
        msgs.addAll(TrainerCluster.file("kang.h5ad", new byte[] {1, 2, 3}, 3, ""));
        var e = refused(msgs);
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("a 10x dataset holds [barcodes.tsv, barcodes.tsv.gz"),
                e.getStatus().getDescription());
    }

    /** The first half of the sorted PBMC file, sent as if it were the whole file (a partial copy on disk). */
    @Test
    void truncatedH5adIsInvalidAndNotKept() {
        byte[] full = TrainerCluster.read(TestData.file(TestData.SORTED_PBMC));
        byte[] half = Arrays.copyOf(full, full.length / 2);
        var msgs = new ArrayList<UploadDatasetRequest>();
        msgs.add(TrainerCluster.header("sorted", "h5ad"));
        msgs.addAll(TrainerCluster.file("sorted.h5ad", half, half.length, TrainerCluster.sha256(half)));
        var e = refused(msgs);
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        String msg = e.getStatus().getDescription();
        assertEquals("sorted.h5ad is truncated: it has " + half.length + " bytes but its HDF5 header says "
                + full.length + "; the copy or upload did not finish: copy or download it again", msg,
                "names the uploaded file, not the trainer's temporary directory");
    }

    /** Fewer bytes than the FileStart declared: the transfer broke off, so the client should resend. */
    @Test
    void fewerBytesThanDeclaredIsDataLoss() {
        byte[] full = TrainerCluster.read(TestData.file(TestData.SORTED_PBMC));
        var msgs = new ArrayList<UploadDatasetRequest>();
        msgs.add(TrainerCluster.header("sorted", "h5ad"));
        msgs.addAll(TrainerCluster.file("sorted.h5ad", Arrays.copyOf(full, full.length / 2), full.length, ""));
        var e = refused(msgs);
        assertEquals(Status.Code.DATA_LOSS, e.getStatus().getCode());
        assertEquals("sorted.h5ad: received " + full.length / 2 + " bytes, expected " + full.length
                + "; the upload was truncated, send it again", e.getStatus().getDescription());
    }

    @Test
    void sha256MismatchIsDataLoss() {
        byte[] bytes = TrainerCluster.read(TestData.file(TestData.KANG_EXAMPLE));
        String declared = TrainerCluster.sha256(new byte[] {42});
        var msgs = new ArrayList<UploadDatasetRequest>();
        msgs.add(TrainerCluster.header("kang-corrupt", "h5ad"));
        msgs.addAll(TrainerCluster.file("kang.h5ad", bytes, bytes.length, declared));
        var e = refused(msgs);
        assertEquals(Status.Code.DATA_LOSS, e.getStatus().getCode());
        assertEquals("kang.h5ad: sha256 " + TrainerCluster.sha256(bytes) + " does not match the declared " + declared
                + "; the file changed in transit, send it again", e.getStatus().getDescription());
    }

    /** X holds log1p(counts / total * 1e4) (raw/X holds the counts): refused, and the user is told why. */
    @Test
    void logNormalisedH5adIsInvalidAndAsksForRawCounts() throws IOException {
        byte[] bytes;
        try (InputStream in = TrainerErrorsTest.class.getResourceAsStream(LOGNORM_FIXTURE)) {
            bytes = in.readAllBytes();
        }
        var msgs = new ArrayList<UploadDatasetRequest>();
        msgs.add(TrainerCluster.header("kang60-lognorm", "h5ad"));
        msgs.addAll(TrainerCluster.file("kang60_lognorm.h5ad", bytes, bytes.length, TrainerCluster.sha256(bytes)));
        var e = refused(msgs);
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        String msg = e.getStatus().getDescription();
        assertTrue(msg.startsWith("kang60-lognorm looks log-normalised (log1p)"), msg);
        assertTrue(msg.contains("Send raw UMI counts"), msg);
    }

    @Test
    void trainingOnUnknownDatasetIsNotFound() {
        var e = assertThrows(StatusRuntimeException.class, () -> cluster.submit(request().clearDatasetIds()
                .addDatasetIds("pbmc-000000000000").build()));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
        assertEquals("no dataset 'pbmc-000000000000'; upload it first (known: [" + kang.getDatasetId() + "])",
                e.getStatus().getDescription());
    }

    @Test
    void unknownModelKindIsInvalidAndListsTheKinds() {
        var e = assertThrows(StatusRuntimeException.class, () -> cluster.submit(request().setModelKind("xgboost")
                .build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertEquals("unknown model kind 'xgboost'; choose one of [linear, mlp]", e.getStatus().getDescription());
    }

    @Test
    void missingPublishNameIsInvalid() {
        var e = assertThrows(StatusRuntimeException.class, () -> cluster.submit(request().setPublishAs("").build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().startsWith("publish_as '' must be a model name"));
    }

    /** Mistakes in the request are refused by SubmitTraining itself, before any job is queued. */
    @Test
    void unknownLabelColumnIsRefusedNamingTheColumns() {
        assertEquals("label_column 'cell_type' is not an obs column of " + kang.getDatasetId()
                + "; it has [cluster_id, group_id, sample_id]", refusedSubmit(request().setLabelColumn("cell_type")));
    }

    @Test
    void unknownTestGroupIsRefusedNamingTheGroups() {
        assertEquals("test group 'stimulated' does not occur in column 'group_id'; it has [ctrl, stim]",
                refusedSubmit(request().setSplitColumn("group_id").addTestGroups("stimulated")));
    }

    @Test
    void unknownHyperParameterIsRefusedNamingTheKeys() {
        String message = refusedSubmit(request().putHyperParameters("learning_rate", "0.01"));
        assertTrue(message.startsWith("unknown hyper-parameter 'learning_rate' for model kind 'linear'; valid keys"
                + " are [epochs, batch_size, lr,"), message);
    }

    @Test
    void badHyperParameterValueIsRefusedAtSubmit() {
        assertEquals("hyper-parameter 'lr' has a bad value 'fast'; expected a number (valid keys: [epochs, batch_size,"
                + " lr, weight_decay, step_gamma, patience, seed])",
                refusedSubmit(request().putHyperParameters("lr", "fast")));
    }

    @Test
    void unknownModelKindIsRefusedNamingTheKinds() {
        String message = refusedSubmit(request().setModelKind("resnet"));
        assertTrue(message.startsWith("unknown model kind 'resnet'; choose one of [linear, mlp"), message);
    }

    /** What only the data can tell fails the job, with the reason as its last event. */
    @Test
    void aSingleRemainingCellTypeFailsTheJob() {
        JobEvent last = failedJob(request().addExcludeLabels("B cells").addExcludeLabels("CD4 T cells")
                .addExcludeLabels("CD8 T cells").addExcludeLabels("FCGR3A+ Monocytes"));
        assertEquals("column 'cluster_id' has only [CD14+ Monocytes]; a classifier needs at least two cell types",
                last.getMessage());
    }

    private String refusedSubmit(TrainingRequest.Builder request) {
        var e = assertThrows(StatusRuntimeException.class, () -> cluster.submit(request.build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(cluster.registry.list("").isEmpty(), "nothing was published");
        return e.getStatus().getDescription();
    }

    @Test
    void watchAndCancelOfUnknownJobAreNotFound() {
        var watch = assertThrows(StatusRuntimeException.class, () -> cluster.blocking()
                .watchJob(WatchJobRequest.newBuilder().setJobId("job-nope").build()).hasNext());
        assertEquals(Status.Code.NOT_FOUND, watch.getStatus().getCode());
        assertEquals("no training job 'job-nope'; SubmitTraining returns the id", watch.getStatus().getDescription());
        var cancel = assertThrows(StatusRuntimeException.class, () -> cluster.blocking()
                .cancelJob(CancelJobRequest.newBuilder().setJobId("job-nope").build()));
        assertEquals(Status.Code.NOT_FOUND, cancel.getStatus().getCode());
        assertEquals("no training job 'job-nope'; SubmitTraining returns the id", cancel.getStatus().getDescription());
    }

    private JobEvent failedJob(TrainingRequest.Builder request) {
        String job = cluster.submit(request.build());
        List<JobEvent> events = cluster.watch(job);
        JobEvent last = events.get(events.size() - 1);
        System.out.println(job + " ended " + last.getPhase() + ": " + last.getMessage());
        assertEquals(Phase.FAILED, last.getPhase());
        assertTrue(events.stream().noneMatch(e -> e.getPhase() == Phase.PUBLISHING));
        assertTrue(cluster.registry.list("").isEmpty(), "a failed job publishes nothing");
        return last;
    }

    private TrainingRequest.Builder request() {
        return TrainingRequest.newBuilder().setModelKind("linear").addDatasetIds(kang.getDatasetId())
                .setLabelColumn("cluster_id").setMaxEpochs(1).setPublishAs("kang-errors");
    }

    private StatusRuntimeException refused(List<UploadDatasetRequest> msgs) {
        return assertThrows(StatusRuntimeException.class, () -> cluster.send(msgs));
    }
}
