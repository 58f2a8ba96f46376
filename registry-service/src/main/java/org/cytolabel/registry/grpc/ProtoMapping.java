package org.cytolabel.registry.grpc;

import com.google.protobuf.Timestamp;
import java.time.Instant;
import org.cytolabel.proto.registry.v1.ModelEvent;
import org.cytolabel.proto.registry.v1.ModelVersionSummary;
import org.cytolabel.registry.domain.RegistryEvent;
import org.cytolabel.registry.store.VersionSummary;

/** Domain records to registry.v1 messages. */
final class ProtoMapping {
    private ProtoMapping() {
    }

    static ModelEvent event(RegistryEvent e) {
        return ModelEvent.newBuilder()
                .setKind(switch (e.kind()) {
                    case PUBLISHED -> ModelEvent.Kind.PUBLISHED;
                    case ALIAS_MOVED -> ModelEvent.Kind.ALIAS_MOVED;
                    case DELETED -> ModelEvent.Kind.DELETED;
                    case SYNCED -> ModelEvent.Kind.SYNCED;
                })
                .setName(e.name())
                .setVersion(e.version())
                .setAlias(e.alias())
                .setPreviousVersion(e.previousVersion())
                .setSequence(e.sequence())
                .setAt(timestamp(e.at()))
                .build();
    }

    static ModelVersionSummary summary(VersionSummary v) {
        return ModelVersionSummary.newBuilder()
                .setName(v.name())
                .setVersion(v.version())
                .setSha256(v.sha256())
                .setSizeBytes(v.sizeBytes())
                .setModelKind(v.modelKind())
                .addAllAliases(v.aliases())
                .setCreatedAt(timestamp(v.createdAt()))
                .setLabels(v.labels())
                .setGenes(v.genes())
                .build();
    }

    static Timestamp timestamp(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }
}
