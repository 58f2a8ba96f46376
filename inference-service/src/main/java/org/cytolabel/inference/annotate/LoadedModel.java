package org.cytolabel.inference.annotate;

import org.cytolabel.inference.runtime.OrtModel;
import org.cytolabel.inference.runtime.SessionCache;
import org.cytolabel.proto.model.v1.ModelCard;

/** One exact model version with a lease on its session; close to release the lease. */
public record LoadedModel(ModelCard card, SessionCache.Lease lease) implements AutoCloseable {

    public OrtModel model() {
        return lease.model();
    }

    public String name() {
        return card.getName();
    }

    public int version() {
        return card.getVersion();
    }

    @Override
    public void close() {
        lease.close();
    }
}
