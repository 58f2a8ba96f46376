package org.cytolabel.trainer.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cytolabel.trainer.train.EpochReport;

/**
 * What every fitted model reports about its training, held once: the kept epoch, the epoch
 * history, the resolved hyper-parameters, the card notes and the attachments (maps keep their
 * order and are read-only). Families extend it and add their network, prediction and export.
 */
public abstract class FittedModelBase implements FittedModel {
    private final int bestEpoch;
    private final List<EpochReport> history;
    private final Map<String, String> hyperParameters;
    private final Map<String, String> notes;
    private final Map<String, byte[]> attachments;

    protected FittedModelBase(int bestEpoch, List<EpochReport> history, Map<String, String> hyperParameters,
            Map<String, String> notes, Map<String, byte[]> attachments) {
        this.bestEpoch = bestEpoch;
        this.history = List.copyOf(history);
        this.hyperParameters = Collections.unmodifiableMap(new LinkedHashMap<>(hyperParameters));
        this.notes = Collections.unmodifiableMap(new LinkedHashMap<>(notes));
        this.attachments = Collections.unmodifiableMap(new LinkedHashMap<>(attachments));
    }

    @Override
    public final int bestEpoch() {
        return bestEpoch;
    }

    @Override
    public final List<EpochReport> history() {
        return history;
    }

    @Override
    public final Map<String, String> hyperParameters() {
        return hyperParameters;
    }

    @Override
    public final Map<String, String> notes() {
        return notes;
    }

    @Override
    public final Map<String, byte[]> attachments() {
        return attachments;
    }
}
